"""What people open: charts of client records, the report of every notebook, the records report."""
