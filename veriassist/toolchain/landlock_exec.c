/* landlock_exec: run one untrusted program under Landlock and seccomp, then exec it.
 *
 *   landlock_exec [--rw PATH]... [--ro PATH]... [--cpu S] [--mem B] [--fsize B] [--nproc N] -- PROG ARG...
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
 *   - rlimits: CPU seconds, address space, file size, processes; no core dumps.
 * Needs Landlock ABI 6 (Linux 6.12) for the signal and socket scopes; anything less exits 125
 * with a message, and VeriAssist falls back to bubblewrap. Built by veriassist/toolchain/sandbox.py.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

static void add_path(int ruleset, const char *path, uint64_t access) {
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return; /* a path this machine does not have */
        die("cannot open", path);
    }
    struct stat st;
    if (fstat(fd, &st) != 0) die("cannot stat", path);
    struct path_beneath_attr rule = {
        .allowed_access = S_ISDIR(st.st_mode) ? access : access & FS_FILE_ONLY,
        .parent_fd = fd,
    };
    if (syscall(NR_ADD_RULE, ruleset, RULE_PATH_BENEATH, &rule, 0) != 0) die("cannot add a rule for", path);
    close(fd);
}

static void set_limit(int resource, const char *value) {
    char *end;
    errno = 0;
    unsigned long long n = strtoull(value, &end, 10);
    if (errno || *end) {
        errno = EINVAL;
        die("bad limit", value);
    }
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

/* Root keeps no power: empty the bounding set (so exec cannot grant), lock root out of
 * regaining capabilities, then drop our own. Without privilege the first two steps fail
 * harmlessly: there is nothing to drop. */
static void drop_capabilities(void) {
    if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                                     SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED) != 0 &&
        errno != EPERM)
        die("cannot set the securebits", NULL);
    for (int cap = 0; cap <= 63; cap++)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL && errno != EPERM)
            die("cannot drop a bounding capability", NULL);
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct none[2] = {{0, 0, 0}, {0, 0, 0}};
    if (syscall(SYS_capset, &header, none) != 0) die("cannot drop capabilities", NULL);
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

    int i = 1;
    for (; i + 1 < argc && strcmp(argv[i], "--") != 0; i += 2) {
        const char *option = argv[i], *value = argv[i + 1];
        if (!strcmp(option, "--ro")) add_path(ruleset, value, FS_EXECUTE | FS_READ_FILE | FS_READ_DIR);
        else if (!strcmp(option, "--rw")) add_path(ruleset, value, FS_WORK);
        else if (!strcmp(option, "--cpu")) set_limit(RLIMIT_CPU, value);
        else if (!strcmp(option, "--mem")) set_limit(RLIMIT_AS, value);
        else if (!strcmp(option, "--fsize")) set_limit(RLIMIT_FSIZE, value);
        else if (!strcmp(option, "--nproc")) set_limit(RLIMIT_NPROC, value);
        else {
            errno = EINVAL;
            die("unknown option", option);
        }
    }
    if (i + 1 >= argc || strcmp(argv[i], "--") != 0) {
        fprintf(stderr, "usage: landlock_exec [--rw P]... [--ro P]... [--cpu S] [--mem B] [--fsize B] [--nproc N] -- PROG ARG...\n");
        return 125;
    }
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) die("cannot set the parent-death signal", NULL);
    drop_capabilities();
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("cannot set no_new_privs", NULL);
    if (syscall(NR_RESTRICT_SELF, ruleset, 0) != 0) die("cannot enter the Landlock domain", NULL);
    close(ruleset);
    install_seccomp();
    execvp(argv[i + 1], argv + i + 1);
    die("cannot run", argv[i + 1]);
}
