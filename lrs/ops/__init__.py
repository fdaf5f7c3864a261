"""What the LRS does to a request once it is checked: commands (writes) apart from queries."""
