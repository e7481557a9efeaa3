#!/usr/bin/env python3
"""Cuts the three Dudley-strategy measures out of the ONS Health Index inputs (2015-2018, every upper-tier
local authority of England) as published in the public repository alan-turing-institute/Health-Index-UK
(data/England_all_geog_aggregated_<year>.csv, one file per year, one column per indicator) into one tidy file,
data/health-index/health_index_2015_2018.csv: area_code, area_name, year, indicator, value.

Faithful: every value is copied as the file writes it (no rounding), an empty cell gives no row; the only
changes are the long shape (one row per area, year and indicator) and the year column, taken from the file
name. Indicators kept (the Health Index's own codes and definitions, input_files/mymetadata.csv):
  suicide  - Suicides, age-standardised (ESP 2013) mortality rate per 100,000
  inf_mort - Infant mortality, rate per 1,000 live births
  diab     - Prevalence of diabetes, %

    python3 tools/health-index-data.py <directory holding the four England_all_geog_aggregated_*.csv>
"""
import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "src", "main", "resources", "fingerpost", "default", "data", "health-index",
                   "health_index_2015_2018.csv")
INDICATORS = ["suicide", "inf_mort", "diab"]

rows = []
for year in (2015, 2016, 2017, 2018):
    with open(os.path.join(sys.argv[1], f"England_all_geog_aggregated_{year}.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            for ind in INDICATORS:
                if r[ind].strip():
                    rows.append([r["Area code"], r["Area name"], str(year), ind, r[ind]])
with open(OUT, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["area_code", "area_name", "year", "indicator", "value"])
    w.writerows(rows)
print(f"{len(rows)} rows -> {OUT}")
