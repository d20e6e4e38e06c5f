/*
 * leftover.h: where lethe stages, remembered so that an interrupted
 * restore, scrub, backup or inspect does not leave unfiltered personal
 * data behind in a folder no later command looks into.
 *
 * Every folder a staging folder, an archive or a snapshot is made in is
 * noted in a list beside the ledger (LEDGER.staging-dirs, one absolute
 * path a line) when it is this user's and no one else may write in it;
 * each command that takes the run lock sweeps the folders noted with
 * remove_stale and forgets those where nothing of ours is left.
 */
#ifndef LEFTOVER_H
#define LEFTOVER_H

/* leftover_setup: keep the list beside the ledger at ledger_path. */
void leftover_setup(const char *ledger_path);

/*
 * leftover_note: add folder dir to the list, unless it is there (best
 * effort: a list that cannot be written is no error; the folder's own
 * next restore, scrub or backup still finds what is left there).
 */
void leftover_note(const char *dir);

/*
 * leftover_sweep: under the run lock, remove what interrupted commands
 * left in the folders noted, and forget the folders holding nothing of
 * ours any more (best effort: what cannot be removed is reported, and
 * its folder stays noted).
 */
void leftover_sweep(void);

#endif
