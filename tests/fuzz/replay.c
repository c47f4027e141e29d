/* Replays every file named on the command line (or found in the directories named) through
 * LLVMFuzzerTestOneInput, so that the fuzz seeds run under the sanitizers in make check.
 * Prints TAP. With --enable-fuzzing, libFuzzer's main is linked instead. */
#include <config.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n;

static void
replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        printf("not ok %d - %s cannot be opened\n", ++n, path);
        return;
    }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 65536) {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap);
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    printf("ok %d - %s\n", ++n, path);
}

int
main(int argc, char **argv)
{
#ifdef FUZZ_CORPUS
    if (argc == 1) {
        static char *seeds[] = {NULL, FUZZ_CORPUS};
        argc = 2;
        argv = seeds;
    }
#endif
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            while (d != NULL && (e = readdir(d)) != NULL) {
                if (e->d_name[0] == '.')
                    continue;
                char path[4096];
                snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
                replay_file(path);
            }
            if (d)
                closedir(d);
        } else {
            replay_file(argv[i]);
        }
    }
    printf("1..%d\n", n);
    return 0;
}
