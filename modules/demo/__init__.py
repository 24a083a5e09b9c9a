"""Demo training content as data files, and the seeder that reads them (seed.py)."""
