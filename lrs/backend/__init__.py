"""The LRS's one seam to SQL: its tables, its engine settings and the statements that use them."""
