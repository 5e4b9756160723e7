#!/usr/bin/env bash
# Rule 1 (every value is checked for the place it lands) and rule 2 (paths normalised before
# they are judged), as a table: every key of [server] and [pi], both fields of the secrets file
# and the profile's own file name, each with ; $() | & > < ` space newline NUL .. // non-UTF-8
# and a 4 KiB value. Each case must be refused by lint AND by export with FILE:LINE: [SECTION]
# KEY (FILE:LINE where the value broke the line itself), export must write nothing, no injected
# command may run, and a sentinel tree beside the profile must not change. Then values that are
# accepted are checked in the generated artefacts: the LIO JSON read back by a JSON parser
# (each value whole), tgt.conf, the cmdline and dnsmasq --test.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_hostile.sh"

P="$T/pwned" # no case may create it
sentinel_make "$T/sentinel"

server_keys=(interface address dhcp tftp tftp_root root iscsi_target iqn_base initramfs nfs_root
	range router dns reply_delay)
declare -A server_base=([interface]=eth0 [address]=192.168.20.1/24 [dhcp]=full [tftp]=dnsmasq
	[tftp_root]=/srv/tftp [root]=iscsi [iscsi_target]=lio [iqn_base]=iqn.2026-11.lan.example
	[initramfs]=initramfs-tools [nfs_root]=/srv/nfs [range]=192.168.20.100-192.168.20.199
	[router]=192.168.20.254 [dns]=192.168.20.254 [reply_delay]=1)
pi_keys=(model serial mac tftp_prefix image backing size chap ip initiator target root_uuid
	nfs_path hostname)
declare -A pi_base=([model]=4B [serial]=511e57f7 [mac]=dc:a6:32:1c:6a:2a [tftp_prefix]=serial
	[image]=/srv/images/os.img.xz [backing]=/srv/iscsi/kitchen.img [size]=16G [chap]=yes
	[ip]=192.168.20.50 [initiator]=iqn.2026-11.lan.example:kitchen
	[target]=iqn.2026-11.lan.example:root-kitchen [root_uuid]=1A2B-3C4D
	[nfs_path]=/srv/nfs/kitchen [hostname]=kitchen)
kinds=(semicolon subst pipe amp gt lt backtick space newline nul dotdot slashes nonutf8 big)

# hostile KIND BASE — the bytes of the value (printf format, so NUL and \xe9 survive)
hostile() {
	local b=$1
	case $2 in
	semicolon) printf '%s;touch %s' "$b" "$P" ;;
	subst) printf '%s$(touch %s)' "$b" "$P" ;;
	pipe) printf '%s|touch %s' "$b" "$P" ;;
	amp) printf '%s&touch %s' "$b" "$P" ;;
	gt) printf '%s>%s' "$b" "$P" ;;
	lt) printf '%s<%s' "$b" "$P" ;;
	backtick) printf '%s`touch %s`' "$b" "$P" ;;
	space) printf '%s touch' "$b" ;;
	newline) printf '%s\ndhcp-range=10.0.0.1,10.0.0.200' "$b" ;;
	nul) printf '%s\0;touch %s' "$b" "$P" ;;
	dotdot) printf '%s/../../../../../etc/shadow' "$b" ;;
	slashes) printf '//' ;;
	nonutf8) printf '%s\xe9' "$b" ;;
	big) printf '%s' "$b"; head -c 4096 /dev/zero | tr '\0' a ;;
	esac
}

# profile KIND — writes $T/c/site.conf and $T/c/site.secrets where every key of [server] is
# hostile (one line each), one Pi per Pi key has that key hostile, and two Pis with chap = yes
# have a hostile secrets user or secret. LINE[section:key] is the line of each hostile value.
declare -A LINE SLINE
profile() {
	local kind=$1 k n=0 key
	rm -rf "$T/c" && mkdir -p "$T/c"
	{
		echo "[server]"; n=1
		for k in "${server_keys[@]}"; do
			printf '%s = ' "$k"; hostile "${server_base[$k]}" "$kind"; echo
			n=$((n + 1)); LINE[server:$k]=$n
			[[ $kind == newline ]] && n=$((n + 1))
		done
		for key in "${pi_keys[@]}" user secret; do
			echo; echo "[pi \"p-${key//_/-}\"]"; n=$((n + 2))
			for k in "${pi_keys[@]}"; do
				[[ $k == "$key" || $k == nfs_path || $k == ip || $k == chap ]] && continue
				echo "$k = ${pi_base[$k]}"; n=$((n + 1))
			done
			[[ $key == user || $key == secret ]] && { echo "chap = yes"; n=$((n + 1)); }
			if [[ $key != user && $key != secret ]]; then
				printf '%s = ' "$key"; hostile "${pi_base[$key]}" "$kind"; echo
				n=$((n + 1)); LINE[pi:$key]=$n
				[[ $kind == newline ]] && n=$((n + 1))
			fi
		done
	} >"$T/c/site.conf"
	{
		printf '[pi "p-user"]\nsecret = abcdefghijkl12\nuser = '; hostile kitchen "$kind"; echo
		SLINE[user]=3
		printf '[pi "p-secret"]\nuser = kitchen\nsecret = '; hostile abcdefghijkl12 "$kind"; echo
		SLINE[secret]=6
	} >"$T/c/site.secrets"
	[[ $kind == newline ]] && SLINE[secret]=7
	chmod 600 "$T/c/site.secrets"
}

# expect_said WHAT FILE LINE LABEL KEY KIND — the output of WHAT ($T/said) names the place
expect_said() {
	local what=$1 file=$2 line=$3 label=$4 key=$5 kind=$6
	local want="$file:$line: $label $key:"
	[[ $kind == newline ]] && want="$file:$((line + 1)): $label dhcp-range:"
	[[ $kind == nul ]] && want="$file:$line: holds a NUL byte"
	[[ $file == *.secrets && $kind == big ]] && want="$file:$line: "
	[[ $said == *"$want"* ]] ||
		{ cat "$T/said"; fail "$label $key ($kind): $what did not say '$want'"; }
	cases=$((cases + 1))
}

cases=0
for kind in "${kinds[@]}"; do
	profile "$kind"
	for what in lint export; do
		args=("$PINETBOOT" "$what" "$T/c/site.conf")
		[[ $what == export ]] && args+=(-o "$T/c/out")
		# stdout and stderr apart: interleaved, a summary line could split a message
		"${args[@]}" >"$T/said" 2>"$T/said.err" && { cat "$T/said"; fail "$kind: $what accepted it"; }
		cat "$T/said.err" >>"$T/said"
		said=$(<"$T/said")
		# no raw control byte reaches the terminal
		LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$T/said" &&
			fail "$kind: raw control bytes in what $what printed"
		grep -q abcdefghijkl12 "$T/said" && fail "$kind: the CHAP secret appears in a message"
		for key in "${server_keys[@]}"; do
			expect_said "$what" "$T/c/site.conf" "${LINE[server:$key]}" "[server]" "$key" "$kind"
		done
		for key in "${pi_keys[@]}"; do
			expect_said "$what" "$T/c/site.conf" "${LINE[pi:$key]}" "[pi \"p-${key//_/-}\"]" "$key" "$kind"
		done
		# the secrets file is read after a profile that loads (export) — lint reads it always
		if [[ $what == lint ]]; then
			for key in user secret; do
				expect_said "$what" "$T/c/site.secrets" "${SLINE[$key]}" "[pi \"p-$key\"]" "$key" "$kind"
			done
		fi
	done
	[[ -e $T/c/out ]] && fail "$kind: export wrote $T/c/out"
	[[ -e $P ]] && fail "$kind: an injected command ran"
done

# the secrets alone (a profile that is fine otherwise): export refuses them too
for kind in "${kinds[@]}"; do
	profile "$kind"
	{
		echo "[server]"
		for k in interface address iqn_base; do echo "$k = ${server_base[$k]}"; done
		for key in user secret; do
			echo "[pi \"p-$key\"]"
			echo "model = 4B"; echo "serial = 511e57f${#key}"; echo "chap = yes"
		done
	} >"$T/c/site.conf"
	"$PINETBOOT" export "$T/c/site.conf" -o "$T/c/out" >"$T/said" 2>"$T/said.err" &&
		{ cat "$T/said"; fail "$kind: export accepted hostile secrets"; }
	cat "$T/said.err" >>"$T/said"
	said=$(<"$T/said")
	grep -q abcdefghijkl12 "$T/said" && fail "$kind: the CHAP secret appears in a message"
	for key in user secret; do
		expect_said export "$T/c/site.secrets" "${SLINE[$key]}" "[pi \"p-$key\"]" "$key" "$kind"
	done
	[[ -e $T/c/out ]] && fail "$kind: export wrote $T/c/out"
	[[ -e $P ]] && fail "$kind: an injected command ran"
done

# the profile's file name lands in every generated file's header (M8)
rm -rf "$T/c" && mkdir -p "$T/c"
printf '[server]\ninterface = eth0\naddress = 192.168.20.1/24\n[pi "a"]\nmodel = 4B\nserial = 511e57f7\n' >"$T/c/site.conf"
for name in $'a\ntouch pwn\ndhcp-range=10.0.0.1,10.0.0.200\n.conf' $'a\x1b]0;PWN\x07.conf' $'a\xe9.conf'; do
	cp "$T/c/site.conf" "$T/c/$name"
	"$PINETBOOT" export "$T/c/$name" -o "$T/c/out" >"$T/said" 2>&1 && fail "export took \"$name\""
	expect_grep "the file name holds a line break" "$T/said"
	LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$T/said" && fail "raw control bytes printed"
	[[ -e $T/c/out ]] && fail "export of a profile named with control bytes wrote files"
	rm -f "$T/c/$name"
	cases=$((cases + 1))
done

# ---- accepted values keep their shape in every artefact ----
rm -rf "$T/c" && mkdir -p "$T/c/iscsi"
cat >"$T/c/site.conf" <<EOF
[server]
interface = enp1s0.20
address = 192.168.20.1/24
dhcp = proxy
tftp_root = $T/c//tftp/./
iscsi_target = lio
iqn_base = iqn.2026-11.lan.example

[pi "kitchen"]
model = 4B
serial = 511e57f7
backing = $T/c/x/..//iscsi/./a+b@c.img
size = 64M
EOF
printf '[pi "kitchen"]\nuser = iqn.2026-11.lan.example:kitchen\nsecret = abcdefghijkl12\n' >"$T/c/site.secrets"
chmod 600 "$T/c/site.secrets"
expect_exit 0 "$PINETBOOT" export "$T/c/site.conf" -o "$T/c/out"
lio_values "$T/c/out/iscsi/lio-pinetboot.json" >"$T/args" || fail "the LIO JSON does not parse"
expect_grep "^<dev=$T/c/iscsi/a+b@c.img>$" "$T/args"
expect_grep "^<userid=iqn.2026-11.lan.example:kitchen>$" "$T/args"
expect_grep "^<password=abcdefghijkl12>$" "$T/args"
expect_grep "^tftp-root=$T/c/tftp$" "$T/c/out/dnsmasq.d/pinetboot.conf"
expect_grep "^interface=enp1s0.20$" "$T/c/out/dnsmasq.d/pinetboot.conf"
if command -v dnsmasq >/dev/null; then
	mkdir -p "$T/c/tftp"
	dnsmasq --test -C "$T/c/out/dnsmasq.d/pinetboot.conf" >"$T/out" 2>&1 ||
		{ cat "$T/out"; fail "dnsmasq --test refused the generated config"; }
fi
cases=$((cases + 1))

sentinel_check "$T/sentinel"
[[ $cases -ge 100 ]] || fail "only $cases cases ran"
echo "$cases hostile value cases refused or kept in shape"
