"""Tools around the model: outcome tables, the fixed-seed baseline, generated docs."""
