/* A growable byte buffer, always NUL-terminated. */
#ifndef CASEAUDIT_BUF_H
#define CASEAUDIT_BUF_H

#include <stddef.h>

struct buf {
  char *data;
  size_t len, cap;
};

/* Return 0, or -1 when memory runs out (the buffer is then unchanged). */
int buf_append(struct buf *b, const void *data, size_t len);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

#endif
