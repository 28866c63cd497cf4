#ifndef CORDON_EVENTS_H
#define CORDON_EVENTS_H

struct cordon_view;
struct cordon_domain;

/*
 * Events for `cordonctl events` subscribers. change is what happened:
 * "new", "close", "focus", "title", "state", "urgent".
 */
void events_window(struct cordon_view *view, const char *change);
void events_domain(struct cordon_domain *domain, const char *change);

#endif
