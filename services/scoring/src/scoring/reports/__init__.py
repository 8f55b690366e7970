"""Reports over a set of branches and a period: JSON, CSV and XLSX."""
