/* landlock_exec: run one untrusted program under Landlock and seccomp, then exec it.
 *
 *   landlock_exec [--rw PATH]... [--ro PATH]... [--cpu S] [--mem B] [--fsize B] [--nproc N]
 *                 [--uid U --gid G [--cover DIR]...] [--then N MARKER [--pipe K]] -- PROG ARG...
 *
 * With --then, the first N words of PROG ARG... are one program, run first (its stderr into
 * stdout); a line MARKER<exit status> follows it, and the rest is exec'd (stderr into stdout)
 * only when that status is 0. A compile and its simulation then share one launch, with no
 * shell between them (an exec costs about a millisecond on a busy VM). With --pipe K, the
 * first K of those N words are a program of their own whose output is the rest's input, as
 * a shell's `a | b` (the status is b's): the preprocessor and the compiler that iverilog
 * would otherwise start through a shell of its own.
 *
 * The same walls as VeriAssist's bubblewrap sandbox, without namespaces (whose set-up and
 * teardown cost 3-9 ms per simulation on a busy machine, more than many simulations take):
 *   - files: only the --ro paths may be read (and executed), only the --rw paths written;
 *   - network: socket() fails (so no TCP, UDP or Unix-socket connections), and Landlock
 *     denies TCP bind and connect as well; io_uring, which could open sockets, is off;
 *   - other processes: Landlock scopes signals and abstract Unix sockets to the sandbox, and
 *     ptrace to it; SysV IPC, keyrings, bpf, perf and userfaultfd are off;
 *   - the process group cannot be left (setsid, setpgid fail), so killing the group kills all;
 *   - no capabilities, even when run as root (as bubblewrap does): the bounding set is emptied
 *     and root cannot regain them on exec; chmod, chown, utime and xattr calls do nothing,
 *     since Landlock does not cover metadata and an owner (or root) could change any file's;
 *   - no root: with --uid/--gid (given when VeriAssist runs as root) the program runs as that
 *     user, with no supplementary groups, so root-only files (/etc/shadow, keys of mode 600)
 *     stay unreadable even inside the --ro dirs. Each --cover DIR is a dir that user cannot
 *     enter on the way to a --ro/--rw path (/root holding the Python install, say): in a
 *     private mount namespace it is covered with an empty tmpfs it may enter, and the paths
 *     beneath it are bind-mounted back, nothing else;
 *   - rlimits: CPU seconds, address space, file size, processes; no core dumps.
 * Needs Landlock ABI 6 (Linux 6.12) for the signal and socket scopes; anything less exits 125
 * with a message, and VeriAssist falls back to bubblewrap. Built by veriassist/toolchain/sandbox.py.
 */
#define _GNU_SOURCE
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

/* The Landlock ABI, spelled out: Debian 12's kernel headers predate the parts we need. */
struct ruleset_attr {
    uint64_t handled_access_fs, handled_access_net, scoped;
};
struct path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

#define NR_CREATE_RULESET 444
#define NR_ADD_RULE 445
#define NR_RESTRICT_SELF 446
#define CREATE_RULESET_VERSION 1u
#define RULE_PATH_BENEATH 1

#define FS_EXECUTE (1ull << 0)
#define FS_WRITE_FILE (1ull << 1)
#define FS_READ_FILE (1ull << 2)
#define FS_READ_DIR (1ull << 3)
#define FS_ALL_ABI5 ((1ull << 16) - 1) /* EXECUTE .. IOCTL_DEV */
#define FS_MAKE_CHAR (1ull << 6)
#define FS_MAKE_BLOCK (1ull << 11)
#define FS_WORK (FS_ALL_ABI5 & ~(FS_MAKE_CHAR | FS_MAKE_BLOCK)) /* the work dir: all but device nodes */
#define FS_TRUNCATE (1ull << 14)
#define FS_IOCTL_DEV (1ull << 15)
#define FS_FILE_ONLY (FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV)
#define NET_BIND_TCP (1ull << 0)
#define NET_CONNECT_TCP (1ull << 1)
#define SCOPE_ABSTRACT_UNIX_SOCKET (1ull << 0)
#define SCOPE_SIGNAL (1ull << 1)
#define NEEDED_ABI 6

#if defined(__x86_64__)
#define THIS_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define THIS_ARCH AUDIT_ARCH_AARCH64
#else
#error "landlock_exec knows the seccomp arch of x86_64 and aarch64 only"
#endif

static void die(const char *what, const char *detail) {
    fprintf(stderr, "landlock_exec: %s%s%s: %s\n", what, detail ? " " : "", detail ? detail : "", strerror(errno));
    _exit(125);
}

struct rule {
    const char *path;
    uint64_t access;
    int fd; /* O_PATH, kept open until the covers are in place; -1: not on this machine */
};

static void add_rule(int ruleset, struct rule *rule) {
    rule->fd = open(rule->path, O_PATH | O_CLOEXEC);
    if (rule->fd < 0) {
        if (errno == ENOENT) return; /* a path this machine does not have */
        die("cannot open", rule->path);
    }
    struct stat st;
    if (fstat(rule->fd, &st) != 0) die("cannot stat", rule->path);
    struct path_beneath_attr attr = {
        .allowed_access = S_ISDIR(st.st_mode) ? rule->access : rule->access & FS_FILE_ONLY,
        .parent_fd = rule->fd,
    };
    if (syscall(NR_ADD_RULE, ruleset, RULE_PATH_BENEATH, &attr, 0) != 0) die("cannot add a rule for", rule->path);
}

static unsigned long long number(const char *value) {
    char *end;
    errno = 0;
    unsigned long long n = strtoull(value, &end, 10);
    if (errno || *end || !*value) {
        errno = EINVAL;
        die("bad number", value);
    }
    return n;
}

static void set_limit(int resource, const char *value) {
    unsigned long long n = number(value);
    struct rlimit limit = {n, n};
    if (setrlimit(resource, &limit) != 0) die("cannot set limit", value);
}

#define DENY(nr, err) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err))
#define NOOP(nr) DENY(nr, 0) /* returns success without doing anything */

/* Newer than Debian 12's headers; new syscalls have one number on every architecture. */
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#endif
#ifndef __NR_removexattrat
#define __NR_removexattrat 466
#endif

static void install_seccomp(void) {
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, THIS_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS), /* 32-bit syscalls would dodge the table below */
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#ifdef __x86_64__
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1), /* x32 ABI */
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#endif
        DENY(__NR_socket, EACCES),
        DENY(__NR_io_uring_setup, ENOSYS),
        DENY(__NR_setsid, EPERM),
        DENY(__NR_setpgid, EPERM),
        DENY(__NR_ptrace, EPERM),
        DENY(__NR_shmget, EPERM),
        DENY(__NR_msgget, EPERM),
        DENY(__NR_semget, EPERM),
        DENY(__NR_add_key, EPERM),
        DENY(__NR_request_key, EPERM),
        DENY(__NR_keyctl, EPERM),
        DENY(__NR_bpf, EPERM),
        DENY(__NR_perf_event_open, EPERM),
        DENY(__NR_userfaultfd, EPERM),
        DENY(__NR_unshare, EPERM),
        DENY(__NR_setns, EPERM),
        /* Metadata: iverilog fchmods its output, so these succeed, doing nothing. */
        NOOP(__NR_fchmod),
        NOOP(__NR_fchmodat),
        NOOP(__NR_fchmodat2),
        NOOP(__NR_fchown),
        NOOP(__NR_fchownat),
        NOOP(__NR_utimensat),
#ifdef __NR_chmod
        NOOP(__NR_chmod),
        NOOP(__NR_chown),
        NOOP(__NR_lchown),
        NOOP(__NR_utime),
        NOOP(__NR_utimes),
        NOOP(__NR_futimesat),
#endif
        DENY(__NR_setxattr, ENOTSUP),
        DENY(__NR_lsetxattr, ENOTSUP),
        DENY(__NR_fsetxattr, ENOTSUP),
        DENY(__NR_setxattrat, ENOTSUP),
        DENY(__NR_removexattr, ENOTSUP),
        DENY(__NR_lremovexattr, ENOTSUP),
        DENY(__NR_fremovexattr, ENOTSUP),
        DENY(__NR_removexattrat, ENOTSUP),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {.len = sizeof filter / sizeof filter[0], .filter = filter};
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) die("cannot install the seccomp filter", NULL);
}

/* Under each cover, an empty tmpfs the dropped user may enter (mode 0711: not list), with
 * the rule paths beneath it bind-mounted back from the descriptors opened before it hid them.
 * In a mount namespace of our own, made private first so that nothing leaks to the host's. */
static int beneath(const char *path, const char *dir) {
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static void make_dirs(char *path, size_t from) { /* every dir of path after its first `from` bytes */
    for (char *slash = strchr(path + from + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (mkdir(path, 0711) != 0 && errno != EEXIST) die("cannot make", path);
        *slash = '/';
    }
}

static void cover(char **covers, int ncovers, struct rule *rules, int nrules) {
    char *real[nrules];
    int order[nrules]; /* shortest path first: a path beneath one bound back is there with it */
    for (int r = 0; r < nrules; r++) {
        real[r] = rules[r].fd >= 0 ? realpath(rules[r].path, NULL) : NULL;
        int at = r;
        for (; at > 0 && (!real[order[at - 1]] || (real[r] && strlen(real[order[at - 1]]) > strlen(real[r]))); at--)
            order[at] = order[at - 1];
        order[at] = r;
    }
    if (unshare(CLONE_NEWNS) != 0) die("cannot make a mount namespace", NULL);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) die("cannot make the mounts private", NULL);
    int source[nrules]; /* opened again in the new namespace: a bind takes its source from there */
    for (int r = 0; r < nrules; r++) {
        source[r] = -1;
        for (int c = 0; real[r] && c < ncovers && source[r] < 0; c++)
            if (beneath(real[r], covers[c]) && (source[r] = open(real[r], O_PATH | O_CLOEXEC)) < 0)
                die("cannot open", real[r]);
    }
    for (int c = 0; c < ncovers; c++) {
        const char *dir = covers[c];
        if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0711,size=64k,nr_inodes=256") != 0)
            die("cannot cover", dir);
        const char *bound[nrules];
        int nbound = 0;
        for (int o = 0; o < nrules; o++) {
            int r = order[o], inside = 0;
            /* Strictly beneath: the cover itself is shut to the user, bound back or not. */
            if (!real[r] || !beneath(real[r], dir) || !strcmp(real[r], dir)) continue;
            for (int b = 0; b < nbound; b++) inside |= beneath(real[r], bound[b]);
            if (inside) continue;
            struct stat st;
            if (fstat(source[r], &st) != 0) die("cannot stat", rules[r].path);
            make_dirs(real[r], strlen(dir));
            int made = S_ISDIR(st.st_mode) ? mkdir(real[r], 0711) : open(real[r], O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
            if (made < 0 && errno != EEXIST) die("cannot make", real[r]);
            if (made > 0) close(made); /* the mount point of a file */
            char fd_path[64];
            snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", source[r]);
            if (mount(fd_path, real[r], NULL, MS_BIND | MS_REC, NULL) != 0) die("cannot bind back", real[r]);
            bound[nbound++] = real[r];
        }
    }
    for (int r = 0; r < nrules; r++) {
        free(real[r]);
        if (source[r] >= 0) close(source[r]);
    }
}

/* Root keeps no power: empty the bounding set (so exec cannot grant), lock root out of
 * regaining capabilities, become the unprivileged user when asked (which clears every
 * capability), then drop our own. Without privilege the first steps fail harmlessly: there is
 * nothing to drop. */
static void drop_privileges(long uid, long gid) {
    for (int cap = 0; cap <= 63; cap++)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL && errno != EPERM)
            die("cannot drop a bounding capability", NULL);
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    /* With a new uid, the kernel's setuid fix-up must clear the capabilities: not locked off. */
    int bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED;
    if (uid < 0) bits |= SECBIT_NO_SETUID_FIXUP;
    if (prctl(PR_SET_SECUREBITS, bits) != 0 && errno != EPERM) die("cannot set the securebits", NULL);
    if (uid >= 0) {
        if (setgroups(0, NULL) != 0) die("cannot clear the groups", NULL);
        if (setresgid(gid, gid, gid) != 0) die("cannot change the group", NULL);
        if (setresuid(uid, uid, uid) != 0) die("cannot change the user", NULL);
        if (setuid(0) == 0 || setgid(0) == 0) {
            errno = EPERM;
            die("could become root again", NULL);
        }
    }
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct none[2] = {{0, 0, 0}, {0, 0, 0}};
    if (syscall(SYS_capset, &header, none) != 0) die("cannot drop capabilities", NULL);
}

static pid_t start(char **program, int in, int out) {
    pid_t child = fork();
    if (child < 0) die("cannot fork", NULL);
    if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (in != STDIN_FILENO) dup2(in, STDIN_FILENO);
        if (out != STDOUT_FILENO) dup2(out, STDOUT_FILENO);
        execvp(program[0], program);
        die("cannot run", program[0]);
    }
    return child;
}

static int wait_for(pid_t child, const char *name) {
    int status = 0;
    while (waitpid(child, &status, 0) < 0)
        if (errno != EINTR) die("cannot wait for", name);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* --then: run the first `words` of `program` (stderr into stdout; with --pipe, its first `piped`
 * words writing into the rest), print MARKER<status> as a shell's `echo MARKER$?` would, and
 * return the rest; exit with that status unless it is 0. */
static char **run_first(char **program, long words, long piped, const char *marker) {
    fflush(stdout);
    dup2(STDOUT_FILENO, STDERR_FILENO); /* every program's stderr into stdout, from here on */
    char *after = program[words];
    program[words] = NULL;
    int code;
    if (piped > 0) {
        int ends[2];
        if (pipe2(ends, O_CLOEXEC) != 0) die("cannot make a pipe", NULL);
        char *consumer = program[piped];
        program[piped] = NULL;
        pid_t producer = start(program, STDIN_FILENO, ends[1]);
        program[piped] = consumer;
        pid_t reader = start(program + piped, ends[0], STDOUT_FILENO);
        close(ends[0]);
        close(ends[1]);
        code = wait_for(reader, program[piped]);
        wait_for(producer, program[0]);
    } else {
        code = wait_for(start(program, STDIN_FILENO, STDOUT_FILENO), program[0]);
    }
    program[words] = after;
    printf("%s%d\n", marker, code);
    fflush(stdout);
    if (code != 0) exit(code);
    return program + words;
}

int main(int argc, char **argv) {
    long abi = syscall(NR_CREATE_RULESET, NULL, 0, CREATE_RULESET_VERSION);
    if (abi < NEEDED_ABI) {
        fprintf(stderr, "landlock_exec: this kernel offers Landlock ABI %ld; ABI %d is needed\n", abi, NEEDED_ABI);
        return 125;
    }
    struct ruleset_attr attr = {
        .handled_access_fs = FS_ALL_ABI5,
        .handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP,
        .scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL,
    };
    int ruleset = syscall(NR_CREATE_RULESET, &attr, sizeof attr, 0);
    if (ruleset < 0) die("cannot create a Landlock ruleset", NULL);

    struct rule rules[argc];
    char *covers[argc];
    int nrules = 0, ncovers = 0;
    long uid = -1, gid = -1;
    long first = 0, piped = 0; /* --then: words of the program run first; --pipe: of those, the writer's */
    const char *marker = NULL;
    int i = 1;
    for (; i + 1 < argc && strcmp(argv[i], "--") != 0; i += 2) {
        const char *option = argv[i], *value = argv[i + 1];
        if (!strcmp(option, "--then") && i + 2 < argc) {
            first = (long)number(value);
            marker = argv[++i + 1];
        } else if (!strcmp(option, "--pipe")) {
            piped = (long)number(value);
        } else if (!strcmp(option, "--ro")) rules[nrules++] = (struct rule){value, FS_EXECUTE | FS_READ_FILE | FS_READ_DIR, -1};
        else if (!strcmp(option, "--rw")) rules[nrules++] = (struct rule){value, FS_WORK, -1};
        else if (!strcmp(option, "--cover")) covers[ncovers++] = argv[i + 1];
        else if (!strcmp(option, "--uid")) uid = (long)number(value);
        else if (!strcmp(option, "--gid")) gid = (long)number(value);
        else if (!strcmp(option, "--cpu")) set_limit(RLIMIT_CPU, value);
        else if (!strcmp(option, "--mem")) set_limit(RLIMIT_AS, value);
        else if (!strcmp(option, "--fsize")) set_limit(RLIMIT_FSIZE, value);
        else if (!strcmp(option, "--nproc")) set_limit(RLIMIT_NPROC, value);
        else {
            errno = EINVAL;
            die("unknown option", option);
        }
    }
    if (i + 1 >= argc || strcmp(argv[i], "--") != 0 || (uid < 0) != (gid < 0) || (ncovers && uid < 0) ||
        first < 0 || (first > 0 && i + 1 + first >= argc) || piped < 0 || (piped > 0 && piped >= first)) {
        fprintf(stderr, "usage: landlock_exec [--rw P]... [--ro P]... [--cpu S] [--mem B] [--fsize B] [--nproc N] "
                        "[--uid U --gid G [--cover DIR]...] [--then N MARKER [--pipe K]] -- PROG ARG...\n");
        return 125;
    }
    for (int r = 0; r < nrules; r++) add_rule(ruleset, &rules[r]);
    if (ncovers) cover(covers, ncovers, rules, nrules);
    for (int r = 0; r < nrules; r++)
        if (rules[r].fd >= 0) close(rules[r].fd);
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    drop_privileges(uid, gid);
    /* After the change of user, which clears it. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) die("cannot set the parent-death signal", NULL);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("cannot set no_new_privs", NULL);
    if (syscall(NR_RESTRICT_SELF, ruleset, 0) != 0) die("cannot enter the Landlock domain", NULL);
    close(ruleset);
    install_seccomp();
    char **program = argv + i + 1;
    if (first > 0) {
        program = run_first(program, first, piped, marker);
    }
    execvp(program[0], program);
    die("cannot run", program[0]);
}
