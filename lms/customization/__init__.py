"""Agency customizations of a course: the feedback a course's knowledge check gives, and (to
come) the agency's own texts and policy. Until an agency publishes its own, POST's default."""
