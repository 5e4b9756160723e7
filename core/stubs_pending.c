/* stubs_pending — placeholders so the tree links while diagnose is
 * written on their own branches. Each branch deletes the stubs it replaces. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/diagnose.h"
#include "core/profile.h"

const char *const boot_stage_names[STAGE_COUNT] = {"none", "ROM DHCP discover", "boot offer",
						   "address bound", "TFTP firmware", "TFTP kernel",
						   "kernel network", "root login", "root in use"};

struct diag *diag_new(const struct site *site)
{
	(void)site;
	return NULL;
}
void diag_free(struct diag *d)
{
	(void)d;
}
void diag_event(struct diag *d, const struct pnb_event *ev)
{
	(void)d;
	(void)ev;
}
void diag_tick(struct diag *d, struct timeval now)
{
	(void)d;
	(void)now;
}
void diag_finish(struct diag *d)
{
	(void)d;
}
size_t diag_pi_count(const struct diag *d)
{
	(void)d;
	return 0;
}
const struct diag_pi *diag_pi_at(const struct diag *d, size_t i)
{
	(void)d;
	(void)i;
	return NULL;
}
size_t diag_site_verdict_count(const struct diag *d)
{
	(void)d;
	return 0;
}
const struct diag_verdict *diag_site_verdict_at(const struct diag *d, size_t i)
{
	(void)d;
	(void)i;
	return NULL;
}
