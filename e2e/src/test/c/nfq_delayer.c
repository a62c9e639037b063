/*
 * nfq_delayer: holds every packet of one netfilter queue for a fixed delay, then accepts it.
 *
 * Usage: nfq_delayer QUEUE DELAY_MS [MAX_HELD]
 *
 * An iptables rule "-j NFQUEUE --queue-num QUEUE" sends the packets to delay here. Each packet is
 * held DELAY_MS milliseconds (never less; CLOCK_MONOTONIC) and then accepted, in arrival order, so
 * the delay is real round-trip time on the path, without the netem qdisc. At most MAX_HELD packets
 * (default 1024) are held: the kernel queue is bounded to the same length and a packet that would
 * exceed it is dropped, like a full router buffer. Only the packet id is copied to userspace.
 *
 * Prints "ready queue=Q delay=N" on stdout once bound. Exits, accepting what it still holds, on
 * SIGTERM, SIGINT or end of standard input (so it ends with the process that started it; a closed
 * standard input is not watched, /dev/null ends it at once), and prints "delayed=D dropped=X" on
 * stdout. Exit status 0, or 1 with a message on stderr.
 *
 * Needs CAP_NET_ADMIN in its network namespace and the kernel's nfnetlink_queue
 * (CONFIG_NETFILTER_NETLINK_QUEUE) and xt_NFQUEUE; built with gcc and libnetfilter_queue.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>

struct held {
  uint32_t id;
  int64_t due_ns;
};

struct delayer {
  struct nfq_q_handle *queue;
  struct held *ring;
  uint32_t capacity, head, count;
  int64_t delay_ns;
  unsigned long delayed, dropped;
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig) {
  (void) sig;
  stopping = 1;
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *data) {
  (void) msg;
  struct delayer *d = data;
  struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
  if (ph == NULL) {
    return 0;
  }
  uint32_t id = ntohl(ph->packet_id);
  if (d->count == d->capacity) {
    d->dropped++;
    return nfq_set_verdict(qh, id, NF_DROP, 0, NULL);
  }
  struct held *slot = &d->ring[(d->head + d->count) % d->capacity];
  slot->id = id;
  slot->due_ns = now_ns() + d->delay_ns;
  d->count++;
  return 0;
}

/* Accepts the held packets that are due (all of them with force), oldest first. */
static void release(struct delayer *d, int force) {
  int64_t now = now_ns();
  while (d->count > 0 && (force || d->ring[d->head].due_ns <= now)) {
    nfq_set_verdict(d->queue, d->ring[d->head].id, NF_ACCEPT, 0, NULL);
    d->head = (d->head + 1) % d->capacity;
    d->count--;
    d->delayed++;
  }
}

/* Milliseconds until the oldest held packet is due, rounded up; -1 when nothing is held. */
static int wait_millis(const struct delayer *d) {
  if (d->count == 0) {
    return -1;
  }
  int64_t left = d->ring[d->head].due_ns - now_ns();
  return left <= 0 ? 0 : (int) ((left + 999999) / 1000000);
}

static long parse(const char *s, long min, long max, const char *what) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno != 0 || *s == '\0' || *end != '\0' || v < min || v > max) {
    fprintf(stderr, "nfq_delayer: %s must be an integer in %ld..%ld, got '%s'\n", what, min, max, s);
    exit(1);
  }
  return v;
}

static void fail(const char *what) {
  fprintf(stderr, "nfq_delayer: %s: %s\n", what, strerror(errno));
  exit(1);
}

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: nfq_delayer QUEUE DELAY_MS [MAX_HELD]\n");
    return 1;
  }
  struct delayer d = {0};
  uint16_t queue_num = (uint16_t) parse(argv[1], 0, 65535, "QUEUE");
  d.delay_ns = parse(argv[2], 0, 60000, "DELAY_MS") * 1000000LL;
  d.capacity = (uint32_t) (argc == 4 ? parse(argv[3], 1, 65536, "MAX_HELD") : 1024);
  d.ring = calloc(d.capacity, sizeof *d.ring);
  if (d.ring == NULL) {
    fail("calloc");
  }

  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  /* a closed standard input (no parent to wait for) is not watched; nfq_open may reuse fd 0 */
  int watch_stdin = fcntl(STDIN_FILENO, F_GETFD) >= 0;
  struct nfq_handle *h = nfq_open();
  if (h == NULL) {
    fail("nfq_open (is nfnetlink_queue in the kernel?)");
  }
  d.queue = nfq_create_queue(h, queue_num, on_packet, &d);
  if (d.queue == NULL) {
    fail("nfq_create_queue (queue in use, or no CAP_NET_ADMIN?)");
  }
  if (nfq_set_mode(d.queue, NFQNL_COPY_META, 0) < 0) {
    fail("nfq_set_mode");
  }
  if (nfq_set_queue_maxlen(d.queue, d.capacity) < 0) {
    fail("nfq_set_queue_maxlen");
  }
  int fd = nfq_fd(h);
  printf("ready queue=%u delay=%ld\n", queue_num, (long) (d.delay_ns / 1000000));
  fflush(stdout);

  char buf[4096] __attribute__((aligned));
  struct pollfd fds[2] = {{.fd = fd, .events = POLLIN}, {.fd = watch_stdin ? STDIN_FILENO : -1, .events = POLLIN}};
  while (!stopping) {
    int n = poll(fds, 2, wait_millis(&d));
    if (n < 0 && errno != EINTR) {
      fail("poll");
    }
    if (n > 0 && (fds[0].revents & POLLIN)) {
      ssize_t len = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (len > 0) {
        nfq_handle_packet(h, buf, (int) len);
      } else if (len < 0 && errno != EAGAIN && errno != EINTR && errno != ENOBUFS) {
        fail("recv");
      }
    }
    if (n > 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))) {
      char sink[256];
      if (read(STDIN_FILENO, sink, sizeof sink) <= 0) {
        stopping = 1;
      }
    }
    release(&d, 0);
  }
  release(&d, 1);
  nfq_destroy_queue(d.queue);
  nfq_close(h);
  free(d.ring);
  printf("delayed=%lu dropped=%lu\n", d.delayed, d.dropped);
  return 0;
}
