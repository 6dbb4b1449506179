/* Benchmark smartctl: serves the answer the sandbox's Python shim gave for these arguments (kept by
 * smartctl.fill in CACHE), after DELAY_MS, as one small process: no shell, no Python. A miss runs
 * smartctl.fill, which asks the Python shim and keeps its answer. Built by the benchmark with
 * -DCACHE="..." -DFILL="..." -DDELAY_MS=N. */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    char key[8192];
    size_t n = (size_t)snprintf(key, sizeof key, "%s/", CACHE);
    for (int i = 1; i < argc && n < sizeof key - 16; i++) {
        if (i > 1) key[n++] = '_';
        for (const char *p = argv[i]; *p && n < sizeof key - 16; p++)
            key[n++] = (isalnum((unsigned char)*p) || *p == '.' || *p == '_' || *p == '-') ? *p : '_';
    }
    key[n] = 0;
    char rcPath[8300], outPath[8300];
    snprintf(rcPath, sizeof rcPath, "%s.rc", key);
    snprintf(outPath, sizeof outPath, "%s.out", key);
    FILE *rcFile = fopen(rcPath, "r");
    if (!rcFile) {
        argv[0] = FILL;
        execv(FILL, argv);
        return 127;
    }
    int rc = 0;
    if (fscanf(rcFile, "%d", &rc) != 1) rc = 1;
    fclose(rcFile);
    struct timespec d = { DELAY_MS / 1000, (DELAY_MS % 1000) * 1000000L };
    nanosleep(&d, NULL);
    int fd = open(outPath, O_RDONLY);
    if (fd >= 0) {
        char buf[65536];
        ssize_t r;
        while ((r = read(fd, buf, sizeof buf)) > 0)
            if (write(1, buf, (size_t)r) != r) break;
        close(fd);
    }
    return rc;
}
