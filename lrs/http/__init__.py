"""The LRS's HTTP resources (xAPI Communication), as one Flask blueprint."""
