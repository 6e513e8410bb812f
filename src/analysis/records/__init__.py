"""The client-records flow: the file contract, reading, counting, disclosure control."""
