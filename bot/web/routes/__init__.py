"""The console's pages, one module per section; each exports ROUTES."""
