"""The bridge: statements in the LRS become CPT entries on Training Profiles.

`rules` decides what a statement is worth (one module, a table of cases as its tests);
`lookups` says who and what a statement names; `one_finish` keeps one finish reported twice to
one entry; `services` reads the LRS in stored order from a cursor and writes entries and the
cursor in one transaction, so a crash loses nothing and repeats nothing, and judges a course's
statements again when its rule changes.
"""
