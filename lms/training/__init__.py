"""The Training Profile: CPT entries, cycles, the Perishable Skills Program and mandates, and
each agency's compliance."""
