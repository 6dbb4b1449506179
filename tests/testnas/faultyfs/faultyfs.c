/*
 * faultyfs: a one-file FUSE filesystem whose file fails reads in one byte range.
 *
 * The sandbox NAS puts a loop device over the exposed file, so that a real
 * `badblocks -wsv -b 4096 /dev/loopN` finds real bad blocks: writes always
 * succeed (like a drive that remaps on write), reads that overlap
 * [bad-offset, bad-offset + bad-length) fail with EIO.
 *
 * The file is opened with direct_io so every read reaches this process
 * instead of being served from the page cache.
 *
 * A read that overlaps the bad range fails as a whole (no short read): the
 * loop driver then fails the request and badblocks retries block by block,
 * which is what pins the report to exactly the bad blocks.
 *
 * Build:  gcc -O2 -Wall -o faultyfs faultyfs.c $(pkg-config --cflags --libs fuse3)
 * Run:    faultyfs MOUNTPOINT -f --backing=FILE --bad-offset=BYTES --bad-length=BYTES [--name=disk.img]
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE

#include <fuse.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct options {
	const char *backing;
	const char *name;
	long long bad_offset;
	long long bad_length;
} opts;

#define OPTION(t, p) { t, offsetof(struct options, p), 1 }
static const struct fuse_opt option_spec[] = {
	OPTION("--backing=%s", backing),
	OPTION("--name=%s", name),
	OPTION("--bad-offset=%lld", bad_offset),
	OPTION("--bad-length=%lld", bad_length),
	FUSE_OPT_END
};

static int backing_fd = -1;
static char file_path[512];          /* "/" + name */
static unsigned long long eio_count; /* reads refused, for the log */

static int is_file(const char *path) { return strcmp(path, file_path) == 0; }

static int fs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	(void)fi;
	memset(st, 0, sizeof(*st));
	if (strcmp(path, "/") == 0) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return 0;
	}
	if (!is_file(path))
		return -ENOENT;
	struct stat b;
	if (fstat(backing_fd, &b) != 0)
		return -errno;
	st->st_mode = S_IFREG | 0600;
	st->st_nlink = 1;
	st->st_size = b.st_size;
	st->st_blocks = b.st_blocks;
	st->st_mtim = b.st_mtim;
	st->st_ctim = b.st_ctim;
	st->st_atim = b.st_atim;
	return 0;
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off,
		      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	(void)off; (void)fi; (void)flags;
	if (strcmp(path, "/") != 0)
		return -ENOENT;
	filler(buf, ".", NULL, 0, 0);
	filler(buf, "..", NULL, 0, 0);
	filler(buf, file_path + 1, NULL, 0, 0);
	return 0;
}

static int fs_open(const char *path, struct fuse_file_info *fi)
{
	if (!is_file(path))
		return -ENOENT;
	fi->direct_io = 1;   /* no page cache: every read comes here */
	fi->keep_cache = 0;
	return 0;
}

static int fs_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)fi;
	if (!is_file(path))
		return -ENOENT;
	long long end = (long long)off + (long long)size;
	if (opts.bad_length > 0 && off < opts.bad_offset + opts.bad_length && end > opts.bad_offset) {
		__atomic_add_fetch(&eio_count, 1, __ATOMIC_RELAXED);
		return -EIO;
	}
	size_t done = 0;
	while (done < size) {
		ssize_t n = pread(backing_fd, buf + done, size - done, off + (off_t)done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break; /* end of file */
		done += (size_t)n;
	}
	return (int)done;
}

static int fs_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)fi;
	if (!is_file(path))
		return -ENOENT;
	size_t done = 0;
	while (done < size) {
		ssize_t n = pwrite(backing_fd, buf + done, size - done, off + (off_t)done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)n;
	}
	return (int)done;
}

static int fs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	(void)fi;
	if (!is_file(path))
		return -ENOENT;
	return ftruncate(backing_fd, size) == 0 ? 0 : -errno;
}

static int fs_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	(void)path; (void)fi;
	int r = datasync ? fdatasync(backing_fd) : fsync(backing_fd);
	return r == 0 ? 0 : -errno;
}

static int fs_flush(const char *path, struct fuse_file_info *fi)
{
	(void)path; (void)fi;
	return 0;
}

static void fs_destroy(void *data)
{
	(void)data;
	fprintf(stderr, "faultyfs: unmounted, %llu reads refused with EIO\n", eio_count);
	if (backing_fd >= 0)
		close(backing_fd);
}

static const struct fuse_operations ops = {
	.getattr  = fs_getattr,
	.readdir  = fs_readdir,
	.open     = fs_open,
	.read     = fs_read,
	.write    = fs_write,
	.truncate = fs_truncate,
	.fsync    = fs_fsync,
	.flush    = fs_flush,
	.destroy  = fs_destroy,
};

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	opts.name = strdup("disk.img");
	if (fuse_opt_parse(&args, &opts, option_spec, NULL) == -1)
		return 2;
	if (!opts.backing || opts.bad_offset < 0 || opts.bad_length < 0 || strchr(opts.name, '/')) {
		fprintf(stderr, "usage: faultyfs MOUNTPOINT [-f] --backing=FILE --bad-offset=N --bad-length=N [--name=NAME]\n");
		return 2;
	}
	snprintf(file_path, sizeof(file_path), "/%s", opts.name);
	backing_fd = open(opts.backing, O_RDWR);
	if (backing_fd < 0) {
		perror(opts.backing);
		return 2;
	}
	fprintf(stderr, "faultyfs: %s -> %s, EIO on reads overlapping [%lld, %lld)\n",
		opts.backing, file_path, opts.bad_offset, opts.bad_offset + opts.bad_length);
	int r = fuse_main(args.argc, args.argv, &ops, NULL);
	fuse_opt_free_args(&args);
	return r;
}
