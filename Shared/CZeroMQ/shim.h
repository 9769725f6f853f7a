#ifndef GRIDTRADE_CZEROMQ_SHIM_H
#define GRIDTRADE_CZEROMQ_SHIM_H
// The only C surface of the project: Debian's libzmq 4.3 (stable API, no drafts).
#include <zmq.h>
#include <sys/eventfd.h>
#endif
