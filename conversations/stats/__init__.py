"""Statistics for the security unit and the party contacts: /statistik, its chart, the CSV."""
