// SuiteSparse's KLU (Debian's libsuitesparse-dev); no .pc file, so the library is linked by name.
#include <suitesparse/klu.h>
