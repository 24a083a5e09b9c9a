"""The standard xAPI learning record store at /xapi: its HTTP resources (views), on the one
statement store. Rules live in ``learning.services.lrs`` and reads in ``learning.selectors.lrs``."""
