#!/usr/bin/env python3
"""Compares what the help desk reads from messages with what Python's `email` package reads.

For each .eml file in the folders given, runs `helpdesk-fuzz --summary` (the mail module's own
reading: sender, subject, start of the text, HTML, attachments) and parses the same bytes with
email.message_from_bytes(policy=email.policy.default). Prints the fields that differ, marked
`less` where the help desk recovers less than Python (nothing, undecoded words, more U+FFFD),
`more` where it recovers more, and a count of each at the end. Exits 0 whatever it finds.

    swift build --product helpdesk-fuzz
    scripts/compare-mail.py Tests/HelpDeskMailTests/Fixtures Fuzz/wild
"""
import argparse
import email
import email.policy
import html
import json
import pathlib
import re
import subprocess
import sys


def collapse(text):
    return " ".join((text or "").split())


def normal_address(address):
    if not address or "@" not in address:
        return address or None
    local, _, domain = address.rpartition("@")
    return local + "@" + domain.lower()


def html_text(markup):
    markup = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", markup)
    return html.unescape(re.sub(r"(?s)<[^>]*>", " ", markup))


def part_text(part):
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        # An unknown or wrong charset: Python gives up on the label; read the bytes as UTF-8.
        return (part.get_payload(decode=True) or b"").decode("utf-8", "replace")


def python_reading(raw):
    message = email.message_from_bytes(raw, policy=email.policy.default)
    reading = {"fromAddress": None, "fromName": None, "subject": "", "text": "", "hasHTML": False, "attachments": 0}
    try:
        sender = message["from"]
        addresses = sender.addresses if sender is not None else ()
        if addresses and addresses[0].addr_spec not in ("", "<>"):
            reading["fromAddress"] = addresses[0].addr_spec
            reading["fromName"] = addresses[0].display_name or None
    except Exception as error:  # The header classes raise on some broken values.
        reading["fromError"] = repr(error)
    try:
        reading["subject"] = collapse(str(message["subject"] or ""))
    except Exception as error:
        reading["subjectError"] = repr(error)
    body = message.get_body(preferencelist=("plain", "html"))
    if body is not None:
        text = part_text(body)
        reading["text"] = html_text(text) if body.get_content_subtype() == "html" else text
    reading["hasHTML"] = message.get_body(preferencelist=("html",)) is not None
    reading["attachments"] = sum(1 for _ in message.iter_attachments()) if message.is_multipart() else 0
    return reading


def damage(text):
    """Signs of text read wrong: U+FFFD, undecodable bytes kept as surrogates, undecoded words."""
    return sum(1 for character in text if character == "\ufffd" or "\udc80" <= character <= "\udcff") + text.count("=?")


def weaker(ours, theirs):
    """Whether our reading of a text field recovers less than theirs."""
    if not theirs:
        return False
    if not ours:
        return True
    return damage(ours) > damage(theirs)


def usable(address):
    """Whether an address could be written to: one @, no quotes, blanks or brackets."""
    return bool(address) and re.fullmatch(r'[^\s"<>()@,;]+@[^\s"<>()@,;]+', address) is not None


def compare(ours, theirs):
    """(field, verdict, ours, theirs) for each field that differs."""
    found = []

    def field(name, mine, python, worse=weaker):
        if mine == python:
            return
        if worse(mine, python):
            verdict = "less"
        elif worse(python, mine):
            verdict = "more"
        else:
            verdict = "differs"
        found.append((name, verdict, mine, python))

    field("from", normal_address(ours.get("fromAddress")), normal_address(theirs["fromAddress"]),
          lambda mine, python: usable(python) and not usable(mine))
    field("name", ours.get("fromName"), theirs["fromName"])
    field("subject", collapse(ours.get("subject")), theirs["subject"])
    # Texts are rendered differently (HTML especially): compare their words, up to the shorter one.
    mine, python = collapse(ours.get("text")), collapse(theirs["text"])
    length = min(len(mine), len(python), 100)
    if mine[:length] != python[:length] or bool(mine) != bool(python):
        field("text", mine[:100], python[:100])
    field("hasHTML", ours.get("hasHTML"), theirs["hasHTML"])
    field("attachments", ours.get("attachments"), theirs["attachments"])
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=pathlib.Path)
    parser.add_argument("--binary", default=".build/debug/helpdesk-fuzz", help="a plain build of helpdesk-fuzz")
    arguments = parser.parse_args()
    files = sorted(path for folder in arguments.folders for path in folder.glob("*.eml"))
    if not files:
        sys.exit("no .eml files in " + ", ".join(map(str, arguments.folders)))
    output = subprocess.run([arguments.binary, "--summary", *map(str, files)], check=True, capture_output=True, text=True)
    summaries = {line["file"]: line for line in map(json.loads, output.stdout.splitlines())}

    counts = {"less": [], "more": [], "differs": []}
    for path in files:
        differences = compare(summaries[str(path)], python_reading(path.read_bytes()))
        if not differences:
            continue
        print(path)
        for name, verdict, mine, python in differences:
            print(f"  {verdict:7} {name:11} help desk {mine!r}\n  {'':19} python    {python!r}")
        for verdict in counts:
            if any(found[1] == verdict for found in differences):
                counts[verdict].append(path.name)
    print(f"\n{len(files)} messages; {len(files) - len(set(sum(counts.values(), [])))} read alike")
    for verdict, label in [("less", "help desk recovers less"), ("more", "help desk recovers more"), ("differs", "otherwise different")]:
        print(f"{len(counts[verdict]):3} {label}: {', '.join(counts[verdict])}")


if __name__ == "__main__":
    main()
