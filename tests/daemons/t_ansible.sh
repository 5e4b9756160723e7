#!/usr/bin/env bash
# --format ansible: the playbook passes `ansible-playbook --syntax-check`, the inventory passes
# `ansible-inventory --list` with one host per Pi (and its variables) and the server's group
# vars; the files it installs are byte-identical to the plain export.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/mksite.sh"
need ansible-playbook ansible-inventory jq
export ANSIBLE_LOCAL_TEMP="$T/ansible-tmp" ANSIBLE_HOME="$T/ansible-home" ANSIBLE_NOCOLOR=1
for root in iscsi nfs; do
  mksite "$T/site.conf" "root=$root"
  rm -rf "$T/ans" "$T/plain"
  expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/ans" --format ansible
  expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/plain"
  (cd "$T/ans" && ansible-playbook -i inventory.yml --syntax-check playbook.yml) >"$T/syntax" 2>&1 ||
    { cat "$T/syntax"; fail "$root: ansible-playbook --syntax-check"; }
  (cd "$T/ans" && ansible-inventory -i inventory.yml --list) >"$T/inv.json" 2>"$T/inv.err" ||
    { cat "$T/inv.err"; fail "$root: ansible-inventory --list"; }
  [[ $(jq '.pinetboot_pis.hosts | length' "$T/inv.json") -eq 3 ]] || fail "$root: expected 3 Pi hosts"
  [[ $(jq -r '._meta.hostvars.kitchen.pi_tftp_dir' "$T/inv.json") == dc-a6-32-1c-6a-2a ]] ||
    fail "$root: kitchen's pi_tftp_dir"
  [[ $(jq -r '._meta.hostvars.studio.pi_mac' "$T/inv.json") == 2c:cf:67:01:02:03 ]] || fail "studio's mac"
  [[ $(jq -r '._meta.hostvars["pinetboot-server"].pinetboot_root' "$T/inv.json") == "$root" ]] ||
    fail "$root: server group vars"
  diff -r -x README.txt -x .pinetboot-files "$T/plain" "$T/ans/files" || fail "$root: ansible files differ from the export"
  expect_grep 'ansible.builtin.copy:' "$T/ans/playbook.yml"
  # config.txt lines (only where the profile names a kernel or initramfs) as one marked block
  expect_grep 'ansible.builtin.blockinfile:' "$T/ans/playbook.yml"
  if [[ $root == nfs ]]; then
    expect_grep "dest: '/etc/exports.d/pinetboot.exports'" "$T/ans/playbook.yml"
    expect_grep 'notify: reexport nfs' "$T/ans/playbook.yml"
  else
    expect_grep 'notify: reload tgt' "$T/ans/playbook.yml"
  fi
  expect_grep 'notify: restart dnsmasq' "$T/ans/playbook.yml"
done
exit 0
