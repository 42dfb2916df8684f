#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretariat.settings")
    if sys.argv[1:2] == ["makemigrations"]:
        # Writing or checking migrations signs nothing and serves nothing, so it needs no
        # secret; every other command still refuses to start without one when DEBUG is off.
        os.environ.setdefault("SECRET_KEY", "makemigrations-only-not-a-secret")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
