"""What Python feedparser reads from each feed named on stdin, as JSON on stdout.

Input: a JSON list of {"path": ..., "url": ...}; `url` is the address the feed pretends to have
been fetched from, so both parsers resolve relative links against the same base. Output: a JSON
list, in the same order, of {"bozo": str | null, "entries": [{"title", "titleType", "link",
"body"}]}. Only the fields the conformance check compares are written; everything else feedparser
reads stays here.
"""

import json
import sys

import feedparser


def entry_of(entry):
    title_detail = entry.get("title_detail") or {}
    bodies = [content.get("value", "") for content in entry.get("content") or []]
    bodies.append(entry.get("summary") or "")
    return {
        "title": entry.get("title") or "",
        "titleType": title_detail.get("type") or "text/plain",
        "link": entry.get("link") or "",
        "body": any(body.strip() for body in bodies),
    }


def read(job):
    with open(job["path"], "rb") as handle:
        data = handle.read()
    parsed = feedparser.parse(data, response_headers={"content-location": job["url"]})
    bozo = parsed.get("bozo_exception")
    return {
        "bozo": str(bozo) if parsed.get("bozo") else None,
        "entries": [entry_of(entry) for entry in parsed.entries],
    }


json.dump([read(job) for job in json.load(sys.stdin)], sys.stdout)
