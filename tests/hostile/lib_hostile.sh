# Shared by the hostile-input tests (sourced, not a test).

# sentinel_make DIR — a small tree of files, links and modes that no command under test may
# change; sentinel_check DIR fails when anything in it differs from the snapshot.
sentinel_make() {
	mkdir -p "$1/sub/deeper"
	echo "do not touch" >"$1/victim"
	echo "secret" >"$1/shadow" && chmod 600 "$1/shadow"
	echo "fstab of the server" >"$1/sub/fstab"
	echo "deep" >"$1/sub/deeper/file"
	ln -sf ../victim "$1/sub/link"
	_sentinel_snap "$1" >"$1.snapshot"
}
_sentinel_snap() {
	(cd "$1" && find . -printf '%p %y %m %s %n %l\n' | sort &&
		find . -type f -exec sha256sum {} + | sort)
}
sentinel_check() {
	_sentinel_snap "$1" | diff "$1.snapshot" - >&2 || fail "the sentinel tree $1 changed"
}

# stub_targetcli DIR — a targetcli stand-in in DIR that writes each argument it gets as <ARG>,
# one per line, to $STUB_LOG, and says every object exists (so the script runs once through).
stub_targetcli() {
	mkdir -p "$1"
	cat >"$1/targetcli" <<'EOS'
#!/bin/sh
[ "$1" = ls ] && exit 1
for a in "$@"; do printf '<%s>\n' "$a"; done >>"$STUB_LOG"
EOS
	chmod +x "$1/targetcli"
}
