from consultations import demo
from secretariat.demo import PARTNERS
from tests.factories import PartnerFactory


def load_demo_consultations():
    for slug, name, short, kind, country in PARTNERS:
        PartnerFactory(slug=slug, name=name, short_name=short, kind=kind, country=country)
    demo.load(lambda line: None)
