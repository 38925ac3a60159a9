"""Storage: the database, its schema and guard, assessments, accounts, audit, insights and demo data."""
