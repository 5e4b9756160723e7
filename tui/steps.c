/* steps — the wizard's steps, in order, and the calls into them with their defaults. A new step
 * is one row here and one file. */
#include "tui/steps.h"

#include <stdio.h>
#include <stdlib.h>

#include "tui/form.h"
#include "tui/screen.h"

const struct wiz_step_ops *const wiz_steps[] = {
    &step_site, &step_pis, &step_server, &step_review, &step_export, &step_readiness,
    &step_flash, &step_monitor,
};
const unsigned wiz_n_steps = sizeof(wiz_steps) / sizeof(wiz_steps[0]);

static const struct wiz_step_ops *cur_ops(const struct wiz *w)
{
	return wiz_steps[w->cur];
}

/* A form step's state begins with its form (struct wiz_step_ops). */
static struct form *step_form(const struct wiz *w, unsigned i)
{
	return wiz_steps[i]->form ? (struct form *)w->step_state[i] : NULL;
}

void *wiz_step_init(struct wiz *w, unsigned i)
{
	return wiz_steps[i]->init ? wiz_steps[i]->init(w) : NULL;
}

void wiz_step_done(struct wiz *w, unsigned i)
{
	const struct wiz_step_ops *s = wiz_steps[i];
	if (s->done) {
		s->done(w->step_state[i]);
		return;
	}
	struct form *f = step_form(w, i);
	if (f)
		form_done(f);
	free(w->step_state[i]);
}

void wiz_step_enter(struct wiz *w)
{
	if (cur_ops(w)->enter)
		cur_ops(w)->enter(w, w->step_state[w->cur]);
}

void wiz_step_leave(struct wiz *w)
{
	if (cur_ops(w)->leave)
		cur_ops(w)->leave(w, w->step_state[w->cur]);
}

int wiz_step_key(struct wiz *w, enum wiz_action a, int ch)
{
	struct form *f = step_form(w, w->cur);
	if (cur_ops(w)->key)
		return cur_ops(w)->key(w, w->step_state[w->cur], a, ch);
	return f ? form_key(w, f, a, ch) : WIZ_IGNORED;
}

int wiz_step_tick(struct wiz *w)
{
	return cur_ops(w)->tick ? cur_ops(w)->tick(w, w->step_state[w->cur]) : 0;
}

int wiz_step_click(struct wiz *w, int y, int x)
{
	struct form *f = step_form(w, w->cur);
	if (cur_ops(w)->click)
		return cur_ops(w)->click(w, w->step_state[w->cur], y, x);
	return f ? form_click(w, f, screen_step_body(), y) : WIZ_HANDLED;
}

void wiz_step_draw(const struct wiz *w, struct rect body)
{
	const struct form *f = step_form(w, w->cur);
	if (cur_ops(w)->draw)
		cur_ops(w)->draw(w, w->step_state[w->cur], body);
	else if (f)
		form_draw(w, f, body);
}

void wiz_step_next(const struct wiz *w, char *out, size_t n)
{
	const struct form *f = step_form(w, w->cur);
	out[0] = '\0';
	if (f && wiz_step_mark(w, w->cur) == '!' && form_has_problem(w, f, true))
		snprintf(out, n, "fix the field marked ! (its message shows under the form)");
	else if (cur_ops(w)->next)
		cur_ops(w)->next(w, w->step_state[w->cur], out, n);
}

const char *wiz_step_bar_word(const struct wiz *w, enum wiz_action a)
{
	const char *word = NULL;
	if (cur_ops(w)->bar_word)
		word = cur_ops(w)->bar_word(w, w->step_state[w->cur], a);
	return word ? word : cur_ops(w)->bar_words[a];
}

uint64_t wiz_step_actions(unsigned i)
{
	return wiz_steps[i]->actions | (wiz_steps[i]->form ? WIZ_ACT_BIT(ACT_ENTER) : 0);
}

char wiz_step_mark(const struct wiz *w, unsigned i)
{
	const struct form *f = step_form(w, i);
	if (wiz_steps[i]->mark)
		return wiz_steps[i]->mark(w, w->step_state[i]);
	if (f) /* warnings too: a value the other choices make the loader ignore */
		return form_has_problem(w, f, true) ? '!' : '+';
	return ' ';
}
