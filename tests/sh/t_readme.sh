#!/usr/bin/env bash
# README.md renders as written: every code fence is closed, no shell heredoc or command list
# sits outside a fence, and the walkthrough's steps are prose, not code.
. "$(dirname "$0")/../lib.sh"
awk '
  /^```/ { inside = !inside; next }
  !inside && /<<.EOF.$/ { print FILENAME ":" FNR ": a heredoc outside a code fence"; bad = 1 }
  !inside && /^build\/pinetboot / { print FILENAME ":" FNR ": a command outside a code fence"; bad = 1 }
  inside && /^\*\*[0-9]+\. / { print FILENAME ":" FNR ": a walkthrough step inside a code fence"; bad = 1 }
  END { if (inside) { print FILENAME ": a code fence is never closed"; bad = 1 } exit bad }
' "$PNB_TOP/README.md" || fail "README.md code fences are broken (above)"
exit 0
