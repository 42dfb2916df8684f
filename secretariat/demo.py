"""Demo data of the core: the eleven administrations, the dialogue partners, demo accounts.

Facts from ``shared/DOMAIN.md``. Every write is keyed on a natural key, so running the loader
twice changes nothing. ASEAN accession dates are public facts; the secretariat can correct any
of them in the admin.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model

from secretariat.models import Administration, AdministrationName, Contact, Partner, Profile, Role
from secretariat.services import person_create

D = dt.date

# code, member state, time zone, observer since, member since, [(name, abbr, from, until)]
ADMINISTRATIONS = [
    ("BN", "Brunei Darussalam", "Asia/Brunei", None, D(1984, 1, 7),
     [("Royal Customs and Excise Department", "RCED", None, None)]),
    ("KH", "Cambodia", "Asia/Phnom_Penh", None, D(1999, 4, 30),
     [("General Department of Customs and Excise", "GDCE", None, None)]),
    ("ID", "Indonesia", "Asia/Jakarta", None, D(1967, 8, 8),
     [("Directorate General of Customs and Excise", "DGCE", None, None)]),
    ("LA", "Lao PDR", "Asia/Vientiane", None, D(1997, 7, 23),
     [("Lao Customs Department", "LCD", None, None)]),
    ("MY", "Malaysia", "Asia/Kuala_Lumpur", None, D(1967, 8, 8),
     [("Royal Malaysian Customs Department", "RMCD", None, None)]),
    ("MM", "Myanmar", "Asia/Yangon", None, D(1997, 7, 23),
     [("Myanmar Customs Department", "MCD", None, None)]),
    ("PH", "Philippines", "Asia/Manila", None, D(1967, 8, 8),
     [("Bureau of Customs", "BOC", None, None)]),
    ("SG", "Singapore", "Asia/Singapore", None, D(1967, 8, 8),
     [("Singapore Customs", "SC", None, None)]),
    ("TH", "Thailand", "Asia/Bangkok", None, D(1967, 8, 8),
     [("Thai Customs Department", "TCD", None, None)]),
    ("VN", "Viet Nam", "Asia/Ho_Chi_Minh", None, D(1995, 7, 28),
     [("General Department of Viet Nam Customs", "GDVC", None, D(2025, 3, 1)),
      ("Viet Nam Customs", "VNC", D(2025, 3, 1), None)]),
    ("TL", "Timor-Leste", "Asia/Dili", D(2022, 11, 11), D(2025, 10, 26),
     [("Customs Authority (Autoridade Aduaneira)", "AA", None, None)]),
]

HEADS = {
    "VN": ("Nguyễn Văn Cẩn", "Director General"),
}

PARTNERS = [
    ("wco", "World Customs Organization", "WCO", Partner.Kind.INTERNATIONAL_ORGANISATION, ""),
    ("gacc", "General Administration of Customs of China", "China Customs (GACC)",
     Partner.Kind.CUSTOMS_ADMINISTRATION, "China"),
    ("japan-customs", "Japan Customs", "Japan Customs", Partner.Kind.CUSTOMS_ADMINISTRATION,
     "Japan"),
    ("kcs", "Korea Customs Service", "KCS", Partner.Kind.CUSTOMS_ADMINISTRATION,
     "Republic of Korea"),
    ("abf", "Australian Border Force", "ABF", Partner.Kind.CUSTOMS_ADMINISTRATION, "Australia"),
    ("usabc", "US-ASEAN Business Council", "US-ABC", Partner.Kind.PRIVATE_SECTOR,
     "United States"),
    ("euabc", "EU-ASEAN Business Council", "EU-ABC", Partner.Kind.PRIVATE_SECTOR, ""),
    ("asean-bac", "ASEAN Business Advisory Council", "ASEAN-BAC",
     Partner.Kind.PRIVATE_SECTOR, ""),
]

# username, role, administration code or partner slug, first name, last name, position
DEMO_ACCOUNTS = [
    ("secretariat", Role.SECRETARIAT, None, "Siti", "Rahmawati",
     "Customs officer, ASEAN Secretariat"),
    ("chair.vn", Role.CHAIR, "VN", "Minh", "Trần",
     "Chair's office, Viet Nam Customs (chair 2024-2025)"),
    # Cambodia chairs the DG meeting today (inferred from the rotation, until 31 May 2027).
    ("chair.kh", Role.CHAIR, "KH", "Sokha", "Chan",
     "Chair's office, General Department of Customs and Excise of Cambodia"),
    ("delegate.my", Role.DELEGATE, "MY", "Aisyah", "Abdullah",
     "Delegate, Royal Malaysian Customs Department"),
    ("partner.wco", Role.PARTNER, "wco", "Claire", "Dubois",
     "Regional liaison, World Customs Organization"),
]


def load(out) -> None:
    for code, country, tz, observer, member, names in ADMINISTRATIONS:
        adm, _ = Administration.objects.update_or_create(
            code=code,
            defaults={"country": country, "time_zone": tz, "observer_since": observer,
                      "member_since": member},
        )
        for name, abbr, valid_from, valid_until in names:
            AdministrationName.objects.update_or_create(
                administration=adm, name=name,
                defaults={"abbreviation": abbr, "valid_from": valid_from,
                          "valid_until": valid_until},
            )
        # Only Viet Nam's head is named in the sources; elsewhere the head's office stands in
        # until the secretariat enters the name in the admin.
        full_name, position = HEADS.get(code, ("Office of the Director-General", "Head"))
        Contact.objects.update_or_create(
            administration=adm, is_head=True,
            defaults={"full_name": full_name, "position": position,
                      "email": f"head.{code.lower()}@demo.asean-customs.invalid"},
        )
    out(f"  {Administration.objects.count()} member administrations")

    for slug, name, short, kind, country in PARTNERS:
        Partner.objects.update_or_create(
            slug=slug, defaults={"name": name, "short_name": short, "kind": kind,
                                 "country": country},
        )
    out(f"  {Partner.objects.count()} dialogue partners")

    user_model = get_user_model()
    password = settings.DEMO_PASSWORD
    for username, role, affiliation, first, last, position in DEMO_ACCOUNTS:
        if user_model.objects.filter(username=username).exists():
            continue
        person_create(
            actor=None, username=username, email=f"{username}@demo.asean-customs.invalid",
            role=role, first_name=first, last_name=last, position=position, password=password,
            administration=Administration.objects.filter(code=affiliation).first()
            if role in {Role.CHAIR, Role.DELEGATE} else None,
            partner=Partner.objects.filter(slug=affiliation).first()
            if role == Role.PARTNER else None,
        )
    out(f"  {Profile.objects.count()} demo accounts (password from DEMO_PASSWORD)")
