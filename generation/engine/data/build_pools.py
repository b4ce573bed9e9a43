"""Build the identifier pools pinned in this folder. Run once by hand; never at run time.

    .venv/bin/python generation/engine/data/build_pools.py

The engine reads only the .tsv files written here, so output bytes do not depend on the
installed Faker version. Sources: Faker 40.63.0 en_US providers (names with their weights,
US states, street suffixes, company suffixes, free-mail domains, ISO 3166 alpha-2/alpha-3
codes), tzdata's iso3166.tab (country names), and a hand-written list of common ICD-10 codes
(icd10.tsv, kept as is).
"""

from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _write(name: str, rows: list[tuple[object, ...]]) -> None:
    text = "".join("\t".join(str(c) for c in row) + "\n" for row in rows)
    (HERE / name).write_text(text, encoding="utf-8")


def main() -> None:
    import tzdata  # noqa: F401  (only for the path of iso3166.tab)
    from faker import Faker
    from faker.providers.address.en_US import Provider as Address
    from faker.providers.company.en_US import Provider as Company
    from faker.providers.internet.en_US import Provider as Internet
    from faker.providers.person.en_US import Provider as Person

    _write("first_names_female.tsv", [(k, v) for k, v in Person.first_names_female.items()])
    _write("first_names_male.tsv", [(k, v) for k, v in Person.first_names_male.items()])
    _write("last_names.tsv", [(k, v) for k, v in Person.last_names.items()])
    _write("states.tsv", [(s, 1) for s in Address.states_abbr])
    _write("street_suffixes.tsv", [(s, 1) for s in Address.street_suffixes])
    _write("company_suffixes.tsv", [(s, 1) for s in Company.company_suffixes])
    domains = list(Internet.free_email_domains) + ["outlook.com", "icloud.com", "aol.com"]
    _write("email_providers.tsv", [(d, 1) for d in domains])
    # The default: RFC 2606 reserved domains, which can never deliver to a real mailbox.
    _write("email_domains.tsv", [(d, 1) for d in ("example.com", "example.net", "example.org")])
    fake = Faker("en_US")
    fake.seed_instance(20261125)
    cities: list[str] = []
    seen: set[str] = set()
    while len(cities) < 2000:
        city = fake.city()
        if city not in seen:
            seen.add(city)
            cities.append(city)
    _write("cities.tsv", [(c, 1) for c in cities])
    streets: list[str] = []
    seen = set()
    rnd = random.Random(7)
    names = list(Person.last_names) + list(Person.first_names_male)[:200]
    while len(streets) < 3000:
        street = f"{rnd.choice(names)} {rnd.choice(Address.street_suffixes)}"
        if street not in seen:
            seen.add(street)
            streets.append(street)
    _write("streets.tsv", [(s, 1) for s in streets])
    tab = Path(tzdata.__file__).parent / "zoneinfo" / "iso3166.tab"
    names_by_a2 = {}
    for line in tab.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t", 1)
            names_by_a2[code] = name
    countries = [
        (a2, a3, names_by_a2.get(a2, a2))
        for a2, a3 in zip(Address.alpha_2_country_codes, Address.alpha_3_country_codes, strict=True)
    ]
    _write("countries.tsv", countries)


if __name__ == "__main__":
    main()
