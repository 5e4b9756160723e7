#include "capture/dec.h"
void iscsi_decode(struct dctx *c, const uint8_t *p, size_t len) { (void)c; (void)p; (void)len; }
void iscsi_state_free(struct iscsi_state *s) { (void)s; }
const char *iscsi_opcode_name(uint8_t opcode) { (void)opcode; return "?"; }
const char *iscsi_login_status_name(uint8_t cls, uint8_t detail) { (void)cls; (void)detail; return "?"; }
const char *scsi_opcode_name(uint8_t op) { (void)op; return "?"; }
