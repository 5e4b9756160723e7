/* sigflag — see sigflag.h. */
#include "core/base/sigflag.h"

#include <string.h>

/* The flag each signal stores into; written before its handler is installed. */
static volatile sig_atomic_t *flag_of[NSIG];

static void on_signal(int sig)
{
	if (sig > 0 && sig < NSIG && flag_of[sig])
		*flag_of[sig] = sig;
}

void sigflag_catch(volatile sig_atomic_t *flag, const int *sigs, size_t n)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal; /* no SA_RESTART (see sigflag.h) */
	for (size_t i = 0; i < n; i++) {
		if (sigs[i] <= 0 || sigs[i] >= NSIG)
			continue;
		flag_of[sigs[i]] = flag;
		sigaction(sigs[i], &sa, NULL);
	}
}
