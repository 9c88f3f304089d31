/*
 * nasctl-spawner: the native spawner of the local training service. Same job as
 * spawner-main.ts (start trial processes for the daemon, off its event loop), with
 * posix_spawn(), which glibc runs as clone(CLONE_VM | CLONE_VFORK): no page tables are copied,
 * so a start costs a fraction of Node's fork() (measured on the 2-core development machine:
 * 0.37 ms per posix_spawn of `sh -c 'exit 0'` against 0.82 ms per child_process.spawn from a
 * 53 MB node process; docs/protocol.md, "Starting trial processes").
 *
 * Built by scripts/build-native.js at `npm run build` when a C compiler is present; without
 * one the daemon uses spawner-main.ts. Started by spawner-client.ts as
 *
 *   nasctl-spawner ADDRESS
 *
 * where ADDRESS is the daemon's channel server (a Unix socket path, or "@name" for an abstract
 * name). Protocol (native-spawner-protocol.ts is the daemon's side):
 *   stdin:  requests, each a run of NUL-terminated fields:
 *           COUNT token shell script cwd ENV_1 ... ENV_n   with COUNT = 4 + n, ENV_i "NAME=value"
 *   stdout: replies, one JSON object per line, as spawner-messages.ts defines them:
 *           {"type":"spawned","token":T,"pid":P}
 *           {"type":"spawn-failed","token":T,"message":M}
 *           {"type":"exited","token":T,"code":C,"signal":S}
 * Per request: connect to ADDRESS, write "nasctl-spawner TOKEN\n", start `shell -c script` in
 * cwd with exactly the given environment, in a new process group (pgid = pid), fds 0-2 on
 * /dev/null and the connected socket as fd 3, every signal at its default and none blocked
 * (except glibc's two reserved signals, which its posix_spawn leaves ignored; glibc programs
 * reinstall them at start).
 * SIGINT, SIGTERM and SIGHUP are ignored here (the daemon decides when trials end). At EOF on
 * stdin it exits at once and leaves running trials alone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define HELLO_PREFIX "nasctl-spawner "
#define MAX_FIELDS 100000

/* A started process the daemon has not yet heard the exit of. */
struct running {
  pid_t pid;
  char *token;
};

static struct running *runs;
static size_t run_count, run_cap;
static int sigchld_pipe[2];
static struct sockaddr_un address;
/* Address lengths to try: an abstract name may be bound padded with NULs to the whole of
 * sun_path (libuv's uv_pipe_bind, Node 20) or at its exact length (uv_pipe_bind2); the one that
 * connects is tried first from then on. */
static socklen_t address_lens[2];
static int address_lens_count;

static void die(const char *what) {
  fprintf(stderr, "nasctl-spawner: %s: %s\n", what, strerror(errno));
  exit(2);
}

/* Writes all of buf to fd; returns 0, or -1 with errno set. */
static int write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

/* A growable string for one reply line. */
struct text {
  char *data;
  size_t len, cap;
};

static void text_put(struct text *t, const char *s, size_t n) {
  if (t->len + n + 1 > t->cap) {
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + n + 1) cap *= 2;
    char *grown = realloc(t->data, cap);
    if (!grown) die("out of memory");
    t->data = grown;
    t->cap = cap;
  }
  memcpy(t->data + t->len, s, n);
  t->len += n;
  t->data[t->len] = 0;
}

static void text_str(struct text *t, const char *s) { text_put(t, s, strlen(s)); }

/* Appends s as a JSON string literal. */
static void text_json(struct text *t, const char *s) {
  text_put(t, "\"", 1);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    char esc[8];
    if (*p == '"' || *p == '\\') {
      esc[0] = '\\';
      esc[1] = (char)*p;
      text_put(t, esc, 2);
    } else if (*p < 0x20) {
      snprintf(esc, sizeof esc, "\\u%04x", *p);
      text_put(t, esc, 6);
    } else {
      text_put(t, (const char *)p, 1);
    }
  }
  text_put(t, "\"", 1);
}

/* Writes one reply line to stdout and frees it; the daemon gone (EPIPE) ends us. */
static void send_reply(struct text *t) {
  if (write_all(1, t->data, t->len) < 0) exit(0);
  free(t->data);
}

static void reply_failed(const char *token, const char *message) {
  struct text t = {0};
  text_str(&t, "{\"type\":\"spawn-failed\",\"token\":");
  text_json(&t, token);
  text_str(&t, ",\"message\":");
  text_json(&t, message);
  text_str(&t, "}\n");
  send_reply(&t);
}

static void reply_spawned(const char *token, pid_t pid) {
  struct text t = {0};
  char num[32];
  text_str(&t, "{\"type\":\"spawned\",\"token\":");
  text_json(&t, token);
  snprintf(num, sizeof num, ",\"pid\":%d}\n", (int)pid);
  text_str(&t, num);
  send_reply(&t);
}

/* Node's names for the signals a trial may die of (others become "SIG<number>"). */
static const char *signal_name(int sig, char *buf, size_t size) {
  static const struct { int sig; const char *name; } names[] = {
    {SIGHUP, "SIGHUP"}, {SIGINT, "SIGINT"}, {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"},
    {SIGTRAP, "SIGTRAP"}, {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"}, {SIGFPE, "SIGFPE"},
    {SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"}, {SIGSEGV, "SIGSEGV"}, {SIGUSR2, "SIGUSR2"},
    {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"}, {SIGTERM, "SIGTERM"}, {SIGCHLD, "SIGCHLD"},
    {SIGCONT, "SIGCONT"}, {SIGSTOP, "SIGSTOP"}, {SIGTSTP, "SIGTSTP"}, {SIGTTIN, "SIGTTIN"},
    {SIGTTOU, "SIGTTOU"}, {SIGURG, "SIGURG"}, {SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"},
    {SIGVTALRM, "SIGVTALRM"}, {SIGPROF, "SIGPROF"}, {SIGWINCH, "SIGWINCH"}, {SIGIO, "SIGIO"},
    {SIGSYS, "SIGSYS"},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (names[i].sig == sig) return names[i].name;
  }
  snprintf(buf, size, "SIG%d", sig);
  return buf;
}

static void reply_exited(const char *token, int status) {
  struct text t = {0};
  char num[64], sigbuf[16];
  text_str(&t, "{\"type\":\"exited\",\"token\":");
  text_json(&t, token);
  if (WIFSIGNALED(status)) {
    text_str(&t, ",\"code\":null,\"signal\":");
    text_json(&t, signal_name(WTERMSIG(status), sigbuf, sizeof sigbuf));
    text_str(&t, "}\n");
  } else {
    snprintf(num, sizeof num, ",\"code\":%d,\"signal\":null}\n", WEXITSTATUS(status));
    text_str(&t, num);
  }
  send_reply(&t);
}

static void remember(pid_t pid, const char *token) {
  if (run_count == run_cap) {
    run_cap = run_cap ? run_cap * 2 : 64;
    runs = realloc(runs, run_cap * sizeof *runs);
    if (!runs) die("out of memory");
  }
  runs[run_count].pid = pid;
  runs[run_count].token = strdup(token);
  if (!runs[run_count].token) die("out of memory");
  run_count++;
}

/* Reaps every child that has ended and reports it. */
static void reap(void) {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    for (size_t i = 0; i < run_count; i++) {
      if (runs[i].pid != pid) continue;
      reply_exited(runs[i].token, status);
      free(runs[i].token);
      runs[i] = runs[--run_count];
      break;
    }
  }
}

static void on_sigchld(int sig) {
  (void)sig;
  int saved = errno;
  char byte = 0;
  if (write(sigchld_pipe[1], &byte, 1) < 0) { /* full: a wake-up is already pending */ }
  errno = saved;
}

/* Connects to the daemon and says hello; returns the socket, or -1 with a message. */
static int open_channel(const char *token, char *message, size_t size) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    snprintf(message, size, "cannot open the trial channel (daemon socket): %s", strerror(errno));
    return -1;
  }
  int connected = 0, error = 0;
  for (int i = 0; i < address_lens_count && !connected; i++) {
    while (!(connected = connect(fd, (struct sockaddr *)&address, address_lens[i]) == 0) && errno == EINTR) {}
    if (connected && i > 0) {
      socklen_t first = address_lens[0];
      address_lens[0] = address_lens[i];
      address_lens[i] = first;
    }
    if (!connected) error = errno;
  }
  if (!connected) {
    snprintf(message, size, "cannot open the trial channel (daemon socket): %s", strerror(error));
    close(fd);
    return -1;
  }
  struct text hello = {0};
  text_str(&hello, HELLO_PREFIX);
  text_str(&hello, token);
  text_str(&hello, "\n");
  if (write_all(fd, hello.data, hello.len) < 0) {
    snprintf(message, size, "cannot write to the trial channel: %s", strerror(errno));
    close(fd);
    fd = -1;
  }
  free(hello.data);
  return fd;
}

/* Serves one request: fields[0..3] = token shell script cwd, then the environment. */
static void serve(char **fields, size_t count) {
  const char *token = fields[0], *shell = fields[1], *script = fields[2], *cwd = fields[3];
  char message[4096];
  int channel = open_channel(token, message, sizeof message);
  if (channel < 0) {
    reply_failed(token, message);
    return;
  }
  char **env = malloc((count - 4 + 1) * sizeof *env);
  if (!env) die("out of memory");
  for (size_t i = 4; i < count; i++) env[i - 4] = fields[i];
  env[count - 4] = NULL;
  char *argv[] = {(char *)shell, "-c", (char *)script, NULL};

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, channel, 3);
  posix_spawn_file_actions_addchdir_np(&actions, cwd);
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  pid_t pid;
  int error = posix_spawn(&pid, shell, &actions, &attr, argv, env);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  free(env);
  close(channel); /* the child has its own copy (or none: it did not start) */
  if (error != 0) {
    const char *code = error == ENOENT ? "ENOENT" : error == EACCES ? "EACCES" : error == ENOTDIR ? "ENOTDIR" : NULL;
    char number[32];
    if (!code) {
      snprintf(number, sizeof number, "errno %d", error);
      code = number;
    }
    snprintf(message, sizeof message, "cannot start \"%s\" in %s: %s (%s)", shell, cwd, strerror(error), code);
    reply_failed(token, message);
    return;
  }
  remember(pid, token);
  reply_spawned(token, pid);
}

/*
 * Parses complete requests at the start of buf[0..len) and serves them; returns how many bytes
 * they took (the rest is an incomplete request). A malformed count ends the spawner: the daemon
 * and this program disagree about the protocol.
 */
static size_t serve_complete(char *buf, size_t len) {
  static char **fields;
  static size_t field_cap;
  size_t used = 0;
  for (;;) {
    char *start = buf + used, *end = buf + len;
    char *nul = memchr(start, 0, (size_t)(end - start));
    if (!nul) return used;
    char *stop;
    unsigned long count = strtoul(start, &stop, 10);
    if (stop != nul || count < 4 || count > MAX_FIELDS) {
      fprintf(stderr, "nasctl-spawner: malformed request (field count \"%.20s\"); is the daemon from the same nasctl build?\n", start);
      exit(2);
    }
    if (count > field_cap) {
      field_cap = count;
      fields = realloc(fields, field_cap * sizeof *fields);
      if (!fields) die("out of memory");
    }
    char *p = nul + 1;
    size_t got = 0;
    while (got < count) {
      char *z = memchr(p, 0, (size_t)(end - p));
      if (!z) return used; /* incomplete */
      fields[got++] = p;
      p = z + 1;
    }
    serve(fields, count);
    used = (size_t)(p - buf);
  }
}

int main(int argc, char **argv) {
  if (argc != 2 || argv[1][0] == 0) {
    fprintf(stderr, "nasctl-spawner: start it from the daemon: nasctl-spawner ADDRESS\n");
    return 2;
  }
  const char *name = argv[1];
  memset(&address, 0, sizeof address);
  address.sun_family = AF_UNIX;
  size_t name_len = strlen(name);
  if (name_len >= sizeof address.sun_path) {
    fprintf(stderr, "nasctl-spawner: socket address too long: %s\n", name);
    return 2;
  }
  memcpy(address.sun_path, name, name_len);
  if (name[0] == '@') {
    address.sun_path[0] = 0; /* abstract name, as addressToEnv writes it */
    address_lens[address_lens_count++] = (socklen_t)sizeof address;
    address_lens[address_lens_count++] = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + name_len);
  } else {
    address_lens[address_lens_count++] = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + name_len + 1);
  }

  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  if (pipe2(sigchld_pipe, O_CLOEXEC | O_NONBLOCK) < 0) die("pipe");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigchld;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGCHLD, &sa, NULL) < 0) die("sigaction");

  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  if (!buf) die("out of memory");
  for (;;) {
    struct pollfd fds[2] = {{0, POLLIN, 0}, {sigchld_pipe[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    if (fds[1].revents & POLLIN) {
      char drain[64];
      while (read(sigchld_pipe[0], drain, sizeof drain) > 0) {}
      reap();
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (len == cap) {
        cap *= 2;
        buf = realloc(buf, cap);
        if (!buf) die("out of memory");
      }
      ssize_t n = read(0, buf + len, cap - len);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return 0; /* the daemon is gone or closed us: leave the trials alone */
      len += (size_t)n;
      size_t used = serve_complete(buf, len);
      memmove(buf, buf + used, len - used);
      len -= used;
    }
  }
}
