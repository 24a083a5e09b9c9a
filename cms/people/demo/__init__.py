"""The demo organisation: data files and the seeder that reads them (seed_demo)."""
