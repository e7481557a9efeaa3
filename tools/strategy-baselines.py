#!/usr/bin/env python3
"""Turns the Dudley strategy's printed baselines (data/strategy/dudley_strategy_baselines.csv: one row per
metric, one column per area) into one row per metric and area (dudley_strategy_baselines_long.csv), so the
printed figures are a tidy-csv source of their own (config.yaml feed "strategy-baselines").

Faithful: every printed figure becomes one row with its period and value exactly as printed; a blank figure
(the strategy prints no West Midlands value for some metrics) becomes no row. The only additions are the
indicator id and sex of each metric (the table below: the local ids the targets file uses, "dudley-his.*")
and the area codes of the three printed columns.

    python3 tools/strategy-baselines.py
"""
import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "src", "main", "resources", "fingerpost", "default", "data", "strategy")

# printed metric name -> (indicator id, sex); the ids are those of targets/dudley-2023-2033.yaml
METRICS = {
    "Overweight and obese children in Year 6 (%)": ("dudley-his.y6-excess-weight", "Persons"),
    "Overweight and obese children in Reception class (%)": ("dudley-his.reception-excess-weight", "Persons"),
    "Overweight and obese adults (%)": ("dudley-his.adult-overweight", "Persons"),
    "Life Expectancy at birth - male (years)": ("dudley-his.le-birth", "Male"),
    "Life Expectancy at birth - female (years)": ("dudley-his.le-birth", "Female"),
    "Life Expectancy at 65yrs - male (years)": ("dudley-his.le-65", "Male"),
    "Life Expectancy at 65yrs - female (years)": ("dudley-his.le-65", "Female"),
    "Inequality in life expectancy at birth - male (years)": ("dudley-his.inequality-le-birth", "Male"),
    "Inequality in life expectancy at birth - female (years)": ("dudley-his.inequality-le-birth", "Female"),
    "Inequality in life expectancy at 65yrs - male (years)": ("dudley-his.inequality-le-65", "Male"),
    "Inequality in life expectancy at 65yrs - female (years)": ("dudley-his.inequality-le-65", "Female"),
    "Disability free Life Expectancy at birth - male (years)": ("dudley-his.dfle-birth", "Male"),
    "Disability free Life Expectancy at birth - female (years)": ("dudley-his.dfle-birth", "Female"),
    "Disability free life expectancy at 65yrs - male (years)": ("dudley-his.dfle-65", "Male"),
    "Disability free life expectancy at 65yrs - female (years)": ("dudley-his.dfle-65", "Female"),
    "Population vaccination coverage - Flu (at risk individuals) (%)": ("dudley-his.flu-vaccination-at-risk", "Persons"),
    "Physically inactive adults (%)": ("dudley-his.inactive-adults", "Persons"),
    "People with type 2 diabetes who are of minority ethnic origin (%)": ("dudley-his.type2-diabetes-minority-ethnic", "Persons"),
    "People aged 65+ receiving winter fuel poverty payments (%)": ("dudley-his.winter-fuel-payments-65", "Persons"),
    "HIV late diagnosis (all CD4 less than 350) (%)": ("dudley-his.hiv-late-diagnosis", "Persons"),
    "Fuel Poverty (low income low energy efficiency) (%)": ("dudley-his.fuel-poverty", "Persons"),
    "Excess winter deaths index (Ratio %)": ("dudley-his.excess-winter-deaths", "Persons"),
    "Excess under 75 mortality rate due to cardiovascular disease in adults with severe mental illness (rate per 100000)": ("dudley-his.excess-u75-cvd-smi", "Persons"),
    "Deaths from drug misuse (rate per 100000)": ("dudley-his.drug-misuse-deaths", "Persons"),
    "Adults with a Learning Disability in paid employment (%)": ("dudley-his.learning-disability-employment", "Persons"),
    "Adults with a Learning Disability having a GP health check (%)": ("dudley-his.learning-disability-health-check", "Persons"),
    "Adults 40-74 years receiving an NHS health check (%)": ("dudley-his.nhs-health-check-quarterly", "Persons"),
    "Admission episodes for alcohol-related conditions (Narrow) (rate per 100000)": ("dudley-his.alcohol-admissions-narrow", "Persons"),
    "16-17 yrs not in education employment or training (NEET) (%)": ("dudley-his.neet-16-17", "Persons"),
    "Under 75yr mortality rate from cancer considered preventable (rate per 100000)": ("dudley-his.u75-cancer-preventable", "Persons"),
    "Suicide rate (rate per 100000)": ("dudley-his.suicide-rate", "Persons"),
    "Stroke admissions (all ages) (rate per 100000)": ("dudley-his.stroke-admissions", "Persons"),
    "Smoking in early pregnancy (%)": ("dudley-his.smoking-early-pregnancy", "Female"),
    "Prevalence of smoking in adults (%)": ("dudley-his.smoking-adults-gp", "Persons"),
    "Prevalence of Diabetes (QOF Prevalence) (%)": ("dudley-his.diabetes-prevalence-qof", "Persons"),
    "Prevalence of Cardiovascular disease (QOF Prevalence) (%)": ("dudley-his.cvd-prevalence-qof", "Persons"),
    "Infant Mortality Rate (per 1000 live births)": ("dudley-his.infant-mortality", "Persons"),
    "Emergency hospital admissions for intentional self-harm (rate per 100000)": ("dudley-his.self-harm-admissions", "Persons"),
    "Emergency admissions for COPD (rate per 100000)": ("dudley-his.copd-admissions", "Persons"),
    "Early access to maternity care (%)": ("dudley-his.early-access-maternity", "Female"),
    "Children achieving a good level of development at 2-2.5yrs (%)": ("dudley-his.development-2-2.5-years", "Persons"),
    "CHD admissions (all ages) (rate per 100000)": ("dudley-his.chd-admissions", "Persons"),
    "Cancer mortality (All causes) (standardised mortality ratio)": ("dudley-his.cancer-mortality-smr", "Persons"),
    "Cancer diagnosed at stage 1 or 2 (%)": ("dudley-his.cancer-early-stage", "Persons"),
}
AREAS = [("dudley", "E08000027", "Dudley"), ("west_midlands", "E12000005", "West Midlands"),
         ("england", "E92000001", "England")]


def main():
    src = os.path.join(DATA, "dudley_strategy_baselines.csv")
    with open(src, newline="", encoding="utf-8") as f:
        lines = [l for l in f if not l.startswith("#")]
    rows = list(csv.DictReader(lines))
    out = os.path.join(DATA, "dudley_strategy_baselines_long.csv")
    n = 0
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["indicator_id", "indicator", "group", "horizon_years", "sex", "area_code", "area_name",
                    "period", "value", "compared_to_england"])
        for r in rows:
            ind, sex = METRICS[r["indicator"]]  # a metric missing from the table is an error
            for column, code, name in AREAS:
                value = r[column].strip()
                if not value:
                    continue
                cmp = r["dudley_compared_to_england"] if column == "dudley" else ""
                w.writerow([ind, r["indicator"], r["group"], r["horizon_years"], sex, code, name,
                            r["time_period"], value, cmp])
                n += 1
    if len(rows) != len(METRICS):
        raise SystemExit(f"{len(rows)} printed metrics, {len(METRICS)} in the table")
    print(f"{out}: {n} rows from {len(rows)} metrics")


if __name__ == "__main__":
    main()
