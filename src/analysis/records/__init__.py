"""The client-records flow, a package per stage: reading, counting, disclosure, ppr, synthetic."""
