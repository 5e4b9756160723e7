#include "capture/dec.h"
void rpc_decode(struct dctx *c, const uint8_t *p, size_t len) { (void)c; (void)p; (void)len; }
void rpc_tcp_decode(struct dctx *c, const uint8_t *p, size_t len) { (void)c; (void)p; (void)len; }
bool rpc_claims(struct dctx *c, const uint8_t *p, size_t len) { (void)c; (void)p; (void)len; return false; }
bool rpc_port_known(struct dctx *c, uint16_t port);
bool rpc_port_known(struct dctx *c, uint16_t port) { (void)c; (void)port; return false; }
void rpc_state_free(struct rpc_state *s) { (void)s; }
const char *rpc_prog_name(uint32_t prog) { (void)prog; return "?"; }
const char *rpc_proc_name(uint32_t prog, uint32_t vers, uint32_t proc) { (void)prog; (void)vers; (void)proc; return "?"; }
const char *nfs_status_name(uint32_t st) { (void)st; return "?"; }
