#!/usr/bin/env bash
# Shell completion is generated from the option tables (`pinetboot completion bash|zsh`) and
# `make install` puts it where bash-completion and zsh look. The bash script is run here the
# way bash runs it on Tab (COMP_WORDS/COMP_CWORD in, COMPREPLY out); the zsh one is checked
# for syntax and for carrying every command's options.
. "$(dirname "$0")/../lib.sh"
"$PINETBOOT" completion bash >"$T/bash" || fail "completion bash"
"$PINETBOOT" completion zsh >"$T/zsh" || fail "completion zsh"
bash -n "$T/bash" || fail "the bash completion is not valid bash"
# shellcheck disable=SC1091
source "$T/bash"
complete -p pinetboot | grep -q -- "-F _pinetboot" || fail "no complete -F for pinetboot"
comp() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMPREPLY=()
  _pinetboot
  printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
want() { # want EXPECTED WORDS...
  local exp=$1; shift
  local got; got=$(comp "$@")
  [[ "$got" == "$exp" ]] || fail "completing '$*': got '$got', expected '$exp'"
}
want "monitor " pinetboot mon
want "export " pinetboot exp
want "--read " pinetboot monitor --re
want "--replay --replay-speed " pinetboot --repl
want "bootstrap set show " pinetboot eeprom ""
want "--timestamp " pinetboot eeprom set --tim
want "ansible files " pinetboot export site.conf --format ""
want "local " pinetboot simulate --attach lo
want "--json " pinetboot lint --js
want "monitor " pinetboot help mon
comp pinetboot monitor -i "" | grep -qw lo || fail "monitor -i does not complete interfaces"
mkdir "$T/d"; touch "$T/d/site.conf"
(cd "$T/d" && comp pinetboot lint "") | grep -q "site.conf" || fail "lint SITE does not complete files"
(cd "$T/d" && comp pinetboot devices "") | grep -q "site.conf" && fail "devices takes no operand"
# --pi completes the Pis of the profile given earlier on the line (--site or the operand)
printf '[server]\ninterface = eth0\n\n[pi "kitchen"]\nmodel = 4B\n\n[pi "garage"]\n' >"$T/d/site.conf"
want "garage kitchen " pinetboot simulate --site "$T/d/site.conf" --pi ""
want "kitchen " pinetboot provision "$T/d/site.conf" --pi k
want " " pinetboot check --pi ""  # no profile on the line: nothing to offer
# every option of every table is offered somewhere in each script
"$PINETBOOT" completion options | cut -f3 | sort -u | while read -r o; do
  grep -q -- "$o" "$T/bash" || fail "$o missing from the bash completion"
  grep -q -- "$o" "$T/zsh" || fail "$o missing from the zsh completion"
done
if command -v zsh >/dev/null 2>&1; then
  zsh -n "$T/zsh" || fail "the zsh completion is not valid zsh"
  head -n 1 "$T/zsh" | grep -q '^#compdef pinetboot' || fail "no #compdef line"
fi
# make install puts both where the shells look (from the build the tests run; -o: never rebuilt
# here, where other tests run that binary at the same time)
make -s -C "$PNB_TOP" install BUILD="$PNB_BUILD" DESTDIR="$T/root" PREFIX=/usr -o "$PNB_BUILD/pinetboot" \
  -o "$PNB_BUILD/completion/pinetboot" -o "$PNB_BUILD/completion/_pinetboot" >"$T/make" 2>&1 ||
  { cat "$T/make"; fail "make install"; }
cmp "$T/bash" "$T/root/usr/share/bash-completion/completions/pinetboot" || fail "bash completion not installed"
cmp "$T/zsh" "$T/root/usr/share/zsh/site-functions/_pinetboot" || fail "zsh completion not installed"
[[ -x $T/root/usr/bin/pinetboot && -f $T/root/usr/share/man/man1/pinetboot.1 ]] || fail "binary or man page not installed"
exit 0
