#!/usr/bin/env bash
# Catalog maintenance: `extract` rewrites locales/messages.pot, `update` merges it into the
# .po files, `compile` builds the .mo files (the set-up step runs this), `check` fails if an
# extraction would change the template.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
extract() {
  "$PYBABEL" extract -F babel.cfg -k N_ --no-location --sort-output --omit-header \
    -o "$1" . 2>/dev/null
}
case "${1:-}" in
  extract) extract locales/messages.pot ;;
  update) "$PYBABEL" update --no-fuzzy-matching --ignore-obsolete -i locales/messages.pot -d locales -D messages ;;
  compile) "$PYBABEL" compile -d locales -D messages 2>&1 | grep -v "^compiling catalog" || true ;;
  check)
    tmp=$(mktemp); extract "$tmp"
    if ! diff -u locales/messages.pot "$tmp"; then
      echo "locales/messages.pot is out of date: run scripts/i18n.sh extract && scripts/i18n.sh update" >&2
      rm -f "$tmp"; exit 1
    fi
    rm -f "$tmp" ;;
  *) echo "usage: $0 extract|update|compile|check" >&2; exit 2 ;;
esac
