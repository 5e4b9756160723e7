#!/usr/bin/env bash
# iscsi-check against a real tgtd in a namespace: good case, CHAP wrong (0x0201), initiator not
# in the ACL (tgt's 0x0203 explained as ACL), target name typo, LUN 0 vs 1, root UUID mismatch
# (reported with both values), size mismatch, and the --site form reading the served cmdline.txt.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab.sh"

lab_ns SW sw; lab_bridge "$SW"
lab_ns SRV srv; lab_plug "$SW" "$SRV" eth0 10.77.0.1/24
lab_ns PI pi; lab_plug "$SW" "$PI" eth0 10.77.0.50/24
lab_tgtd "$SRV"

BASE=iqn.2026-11.lan.example
UUID=3d2f7a10-5b1c-4e8e-9a11-0c0ffee0beef
lab_image "$T/kitchen.img" 64 1A2B3C4D "$UUID"
lab_image "$T/garage.img" 64 0BADF00D 11111111-2222-3333-4444-555555555555
lab_image "$T/stale.img" 40 12345678 44444444-2222-3333-4444-555555555555 \
  "PARTUUID=deadbeef-01 /boot/firmware vfat defaults 0 2
/dev/mmcblk0p2 / ext4 defaults 0 1"
LAB_GPT=1 lab_image "$T/gpt.img" 96 CAFE0001 55555555-2222-3333-4444-555555555555 \
  "LABEL=rootfs / ext4 defaults 0 1
PARTUUID=0b0071d5-0000-4000-8000-000000000001 /boot/firmware vfat defaults,nofail 0 2"
echo "s3cret-kitchen1" >"$T/secret"; echo "wrong-secret-99" >"$T/badsecret"
lab_target 1 "$BASE:root-kitchen" "$T/kitchen.img" "$BASE:kitchen" kitchen s3cret-kitchen1
lab_target 2 "$BASE:root-garage" "$T/garage.img" "$BASE:garage"
lab_target 3 "$BASE:root-stale" "$T/stale.img" ALL
lab_target 4 "$BASE:root-gpt" "$T/gpt.img" ALL

chk() { ip netns exec "$PI" "$PINETBOOT" iscsi-check --timeout 5 "$@"; }
URL="iscsi://10.77.0.1/$BASE:root-kitchen/1"
CHAP=(--chap-user kitchen --chap-secret-file "$T/secret")

# good
expect_exit 0 chk "$URL" --initiator "$BASE:kitchen" "${CHAP[@]}" --size 64M --root "UUID=$UUID"
expect_grep "would find its root" "$T/out"
expect_grep "partition 1: vfat UUID=1A2B-3C4D LABEL=\"bootfs\" PARTUUID=5eed1234-01" "$T/out"
expect_grep "partition 2: ext4 UUID=$UUID LABEL=\"rootfs\" PARTUUID=5eed1234-02" "$T/out"
expect_grep "SendTargets as $BASE:kitchen lists" "$T/out"
expect_grep "/etc/fstab PARTUUID=5eed1234-02 / is partition 2" "$T/out"
expect_grep "/etc/fstab PARTUUID=5eed1234-01 /boot/firmware is partition 1" "$T/out"

# the fstab inside the root still names the image's old disk id and the SD card (the
# growpart/clone trap): the root is found, then the Pi stops in the emergency shell
expect_exit 1 chk "iscsi://10.77.0.1/$BASE:root-stale/1" --initiator "$BASE:kitchen"
[[ -z "${PNB_SHOW:-}" ]] || cat "$T/out"
expect_grep "/etc/fstab mounts PARTUUID=deadbeef-01 on /boot/firmware but no partition of LUN 1 has it; that partition is UUID=1234-5678 PARTUUID=5eed1234-01" "$T/out"
expect_grep "/etc/fstab mounts /dev/mmcblk0p2 on /: a diskless Pi has no SD card" "$T/out"
expect_grep "emergency shell" "$T/out"
# PARTUUID root works too
expect_exit 0 chk "$URL" --initiator "$BASE:kitchen" "${CHAP[@]}" --root "PARTUUID=5eed1234-02"

# GPT disk, no CHAP, PARTUUID root, LABEL and GPT PARTUUID in its fstab; valid JSON
expect_exit 0 chk "iscsi://10.77.0.1/$BASE:root-gpt/1" --initiator "$BASE:kitchen" --size 96M \
  --root PARTUUID=0B0071D5-0000-4000-8000-000000000002 --json
python3 -m json.tool "$T/out" >/dev/null || fail "iscsi-check --json is not JSON"
expect_grep '"ok":true' "$T/out"
expect_grep '"partuuid":"0b0071d5-0000-4000-8000-000000000002"' "$T/out"
expect_grep '"uuid":"CAFE-0001","label":"bootfs"' "$T/out"
expect_grep '/etc/fstab LABEL=rootfs / is partition 2' "$T/out"

# TCP 3260 dropped by a firewall rule in the server namespace: told apart from "refused"
lab_drop_iscsi
expect_exit 1 chk "$URL" --initiator "$BASE:kitchen" --timeout 2
expect_grep "no answer from 10.77.0.1:3260 within 2 s: TCP 3260 is dropped" "$T/out"
lab_undrop_iscsi

# root= as the udev by-path name (what pinetboot export writes without root_uuid)
BYPATH=/dev/disk/by-path/ip-10.77.0.1:3260-iscsi-$BASE:root-kitchen
expect_exit 0 chk "$URL" --initiator "$BASE:kitchen" "${CHAP[@]}" --root "$BYPATH-lun-1-part2"
expect_grep "root=$BYPATH-lun-1-part2 (--root) is partition 2" "$T/out"
expect_exit 1 chk "$URL" --initiator "$BASE:kitchen" "${CHAP[@]}" --root "$BYPATH-lun-0-part2"
expect_grep "names LUN 0 but the Pi's disk is LUN 1" "$T/out"

# CHAP secret wrong -> 0x0201
expect_exit 1 chk "$URL" --initiator "$BASE:kitchen" --chap-user kitchen --chap-secret-file "$T/badsecret" --json
expect_grep '"login_status":"0x0201"' "$T/out"
expect_grep 'CHAP failed: target .* rejected user \\"kitchen\\"' "$T/out"
# no CHAP sent at all to a CHAP target
expect_exit 1 chk "$URL" --initiator "$BASE:kitchen"
expect_grep "requires CHAP" "$T/out"

# initiator not in the ACL: tgt answers 0x0203, explained as the ACL
expect_exit 1 chk "$URL" --initiator "$BASE:kitchen-typo" "${CHAP[@]}" --target-kind tgt
expect_grep "initiator IQN $BASE:kitchen-typo is not in the ACL of target $BASE:root-kitchen (tgt reports this as target-not-found" "$T/out"

# target name typo
expect_exit 1 chk "iscsi://10.77.0.1/$BASE:root-kitchn/1" --initiator "$BASE:kitchen" "${CHAP[@]}" --target-kind tgt
expect_grep "target $BASE:root-kitchn does not exist on 10.77.0.1:3260 (login status 0x0203, target not found); did you mean $BASE:root-kitchen" "$T/out"
expect_grep "0x0203" "$T/out"

# LUN 0 (tgt's controller) instead of 1
expect_exit 1 chk "iscsi://10.77.0.1/$BASE:root-kitchen/0" --initiator "$BASE:kitchen" "${CHAP[@]}"
expect_grep "LUN 0 is not a disk .*the disk is LUN 1" "$T/out"

# root UUID that is not on the LUN: both values
expect_exit 1 chk "$URL" --initiator "$BASE:kitchen" "${CHAP[@]}" --root "UUID=deadbeef-0000-0000-0000-000000000000"
expect_grep "root=UUID=deadbeef-0000-0000-0000-000000000000 from --root names nothing on LUN 1" "$T/out"
expect_grep "has UUID=$UUID" "$T/out"

# profile size bigger than the LUN
expect_exit 1 chk "$URL" --initiator "$BASE:kitchen" "${CHAP[@]}" --size 16G
expect_grep "smaller than the profile's 16G" "$T/out"

# nothing listening
expect_exit 1 chk "iscsi://10.77.0.1:3261/$BASE:root-kitchen/1" --initiator "$BASE:kitchen"
expect_grep "refused the connection" "$T/out"

# bad input
expect_exit 2 "$PINETBOOT" iscsi-check "http://x/y/1" --initiator "$BASE:kitchen"
expect_exit 2 "$PINETBOOT" iscsi-check "$URL"
expect_exit 2 "$PINETBOOT" iscsi-check "$URL" --initiator "not-an-iqn"
expect_exit 2 "$PINETBOOT" iscsi-check --site "$T/nope.conf" --pi kitchen

# --site form: the served cmdline.txt (initramfs-tools flavour, root=UUID with a stale value)
mkdir -p "$T/tftp/511e57f7"
site_server "$T/site.conf" tftp_root="$T/tftp" iqn_base="$BASE"
site_pi "$T/site.conf" garage 4B 511e57f7 dc:a6:32:1c:6a:2a tftp_prefix=serial size=64M chap=no
echo "console=tty1 ip=dhcp iscsi_initiator=$BASE:garage iscsi_target_name=$BASE:root-garage iscsi_target_ip=10.77.0.1 root=UUID=11111111-2222-3333-4444-555555555555 rw" >"$T/tftp/511e57f7/cmdline.txt"
expect_exit 0 chk --site "$T/site.conf" --pi garage
expect_grep "(.*/tftp/511e57f7/cmdline.txt) is partition 2" "$T/out"
echo "ip=dhcp iscsi_initiator=$BASE:garage iscsi_target_name=$BASE:root-garage iscsi_target_ip=10.77.0.1 root=UUID=99999999-2222-3333-4444-555555555555" >"$T/tftp/511e57f7/cmdline.txt"
expect_exit 1 chk --site "$T/site.conf" --pi garage
expect_grep "root=UUID=99999999-2222-3333-4444-555555555555 from .*cmdline.txt names nothing on LUN 1; the root partition there has UUID=11111111-2222-3333-4444-555555555555" "$T/out"
sed 's/^\[server\]$/[server]\nroot = nfs/' "$T/site.conf" >"$T/nfs.conf"
expect_exit 2 "$PINETBOOT" iscsi-check --site "$T/nfs.conf" --pi garage
expect_grep "do not boot from iSCSI" "$T/err"
exit 0
