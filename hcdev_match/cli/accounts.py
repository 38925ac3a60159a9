"""The command line's account and demo commands: add-user's password prompt, passwd, unlock, remove-user, demo."""

from __future__ import annotations

import argparse
import getpass
from typing import TextIO

from ..catalogue.model import load_catalogue
from ..errors import AccountError, DocumentError
from ..storage.accounts import change_password, remove_user, unlock_user
from ..storage.demo import DEMO_ACCOUNTS, add_demo_accounts, seed_demo
from ..storage.passwords import MIN_PASSWORD
from ..storage.store import Store

__all__ = ["read_password", "run_account_command", "run_demo_command"]


def run_account_command(args: argparse.Namespace, store: Store, stdin: TextIO, out: TextIO, *, actor: str) -> None:
    if args.command == "passwd":
        change_password(store, args.name, read_password(stdin), actor=actor)
        out.write(f"changed the password of {args.name!r}; its sign-in delays are lifted\n")
    elif args.command == "unlock":
        cleared = unlock_user(store, args.name, actor=actor)
        out.write(f"unlocked {args.name!r}: lifted the delays on {cleared} source(s)\n")
    elif remove_user(store, args.name, actor=actor):
        out.write(f"removed the account {args.name!r}\n")
    else:
        out.write(f"disabled {args.name!r}: it can no longer sign in; its row stays as the author of its decisions\n")


def run_demo_command(args: argparse.Namespace, store: Store, out: TextIO) -> None:
    if args.assessments < 1:
        raise DocumentError(f"--assessments must be 1 or more, got {args.assessments}")
    if args.if_empty and store.count_assessments():
        out.write("the database holds assessments already; no demo data added\n")
        return
    made = add_demo_accounts(store) if args.accounts else {}
    seed_demo(store, load_catalogue(args.catalogue), assessments_count=args.assessments)
    out.write(f"added {args.assessments} demo assessments\n")
    if made:
        out.write("demo accounts (the passwords are shown this once and kept nowhere):\n")
        for name, password in made.items():
            out.write(f"  {name} / {password} ({DEMO_ACCOUNTS[name]})\n")
        out.write("the app shows a banner while they exist; remove them with remove-user before real use\n")
    elif args.accounts:
        out.write("the demo accounts exist already; set new passwords with passwd\n")


def read_password(stdin: TextIO) -> str:
    """From a prompt (twice) at a terminal, else the first line of stdin."""
    if stdin.isatty():
        first = getpass.getpass(f"Password ({MIN_PASSWORD} characters or more, not a common one): ")
        if first != getpass.getpass("Same password again: "):
            raise AccountError("the two passwords differ; run the command again")
        return first
    return stdin.readline().rstrip("\r\n")
