#!/usr/bin/env bash
# Copies the bundled regional data files (src/main/resources/fingerpost/default/data/ons and
# .../trafford-dashboard) from git clones of their public repositories, keeping only the header and the rows
# of England, the West Midlands region and its local authorities (the whole files are several MB each).
# Rows are kept byte for byte (the area code is every file's first column); nothing else is changed.
# Provenance: data/PROVENANCE.md.
#
#   tools/regional-data.sh <clone of ONSdigital/explore-local-statistics-data> <clone of traffordDataLab/dashboard>
set -euo pipefail
ons=$1
trafford=$2
ONS_COMMIT=4972c588d0c192839afc8fa54ae82cb3dc7721ed
TRAFFORD_COMMIT=83e9bc0cd14d1fac19c743c1e5eece54e0145458
out=$(cd "$(dirname "$0")/.." && pwd)/src/main/resources/fingerpost/default/data

# England, the West Midlands (region, combined authority) and the region's counties, unitary authorities,
# metropolitan boroughs and districts (ONS codes, 2023 boundaries).
AREAS='E92000001|E12000005|E47000007|E08000025|E08000026|E08000027|E08000028|E08000029|E08000030|E08000031'
AREAS+='|E06000019|E06000020|E06000021|E06000051|E10000028|E10000031|E10000034'
AREAS+='|E07000192|E07000193|E07000194|E07000195|E07000196|E07000197|E07000198|E07000199'
AREAS+='|E07000218|E07000219|E07000220|E07000221|E07000222|E07000234|E07000235|E07000236|E07000237|E07000238|E07000239'

copy() { # repo commit path target
  git -C "$1" show "$2:$3" | awk -v re="^(${AREAS}),|^\"(${AREAS})\"," 'NR == 1 || $0 ~ re' > "$4"
  echo "$4: $(($(wc -l < "$4") - 1)) rows"
}

mkdir -p "$out/ons" "$out/trafford-dashboard"
for name in healthy-life-expectancy cancer-diagnosis-at-stage-1-and-2 adult-obesity-prevalence \
    preventable-cardiovascular-mortality-england early-years; do
  copy "$ons" "$ONS_COMMIT" "$name/$name.csv" "$out/ons/$name.csv"
done
for path in children/excess_weight_reception children/excess_weight_year6 children/neets \
    health/admissions_self_harm health/alcohol_related_admissions health/preventable_mortality_from_cancer \
    health/mortality_serious_mental_illness; do
  copy "$trafford" "$TRAFFORD_COMMIT" "data/$path.csv" "$out/trafford-dashboard/$(basename "$path").csv"
done
