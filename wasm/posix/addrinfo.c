#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* getaddrinfo and getnameinfo failed to link: Emscripten's are JavaScript
 * glue that a standalone program does not have. A program has no network
 * and no resolver, so these answer what needs none, with glibc's answers
 * and in glibc's order of checks: numeric hosts (inet_aton's forms, IPv6),
 * a NULL host (the wildcard with AI_PASSIVE, else the loopback),
 * "localhost" (the loopback, as /etc/hosts says on Linux), numeric
 * services (glibc's strtoul, cut to 16 bits). A name that needs DNS is
 * EAI_FAIL, a non-recoverable failure: there is no resolver to ask (Linux
 * without network usually says EAI_AGAIN, which invites retrying forever);
 * a service name needs /etc/services, which a program cannot read:
 * EAI_SERVICE, glibc's answer for a service it does not find. Each address
 * comes once per socket type asked for (stream/TCP, datagram/UDP and raw
 * for type 0, as glibc lists them); freeaddrinfo (--wrap: Emscripten's
 * freed only the first entry) frees the whole list. getnameinfo gives
 * numeric hosts and services; the loopback addresses are "localhost"
 * unless NI_NUMERICHOST; any other address has no name (NI_NAMEREQD:
 * EAI_NONAME) (docs/c-programs.md). */

#define AI_KNOWN                                                                       \
  (AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG | \
   AI_NUMERICSERV | 0x40 /* AI_IDN */ | 0x80 /* AI_CANONIDN */ | 0x100 | 0x200)
#define NI_KNOWN                                                                              \
  (NI_NUMERICHOST | NI_NUMERICSERV | NI_NOFQDN | NI_NAMEREQD | NI_DGRAM | 0x20 /* NI_IDN */ | \
   0x40 | 0x80 | NI_NUMERICSCOPE)

struct entry {
  struct addrinfo ai;
  union {
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
  } sa;
  char canon[]; /* the first entry's ai_canonname */
};

struct address {
  int family;
  unsigned char bytes[16];
};

static const struct {
  int socktype, protocol;
} kinds[] = {{SOCK_STREAM, IPPROTO_TCP}, {SOCK_DGRAM, IPPROTO_UDP}, {SOCK_RAW, 0}};

void __wrap_freeaddrinfo(struct addrinfo *ai) {
  while (ai) {
    struct addrinfo *next = ai->ai_next;
    free(ai);
    ai = next;
  }
}

/* The port of a service, or an EAI_ error. */
static int service_port(const char *service, int flags, int *port) {
  if (!service) {
    *port = 0;
    return 0;
  }
  char *end;
  int num = (int)strtoul(service, &end, 10);
  if (*end != '\0') {
    if (flags & AI_NUMERICSERV) return EAI_NONAME;
    num = -1;
  }
  if (num < 0) return EAI_SERVICE; /* a name: /etc/services cannot be read */
  *port = (unsigned short)num;
  return 0;
}

/* The addresses node names for family, or an EAI_ error. */
static int addresses(const char *node, int family, int flags, struct address out[2], int *n) {
  static const unsigned char loop6[16] = {[15] = 1}, any6[16] = {0};
  static const unsigned char loop4[4] = {127, 0, 0, 1}, any4[4] = {0};
  struct in_addr a4;
  struct in6_addr a6;
  *n = 0;
  int v4 = family != AF_INET6, v6 = family != AF_INET;
  if (!node || strcasecmp(node, "localhost") == 0) {
    if (node && (flags & AI_NUMERICHOST)) return EAI_NONAME;
    int passive = !node && (flags & AI_PASSIVE);
    if (v6) {
      out[*n].family = AF_INET6;
      memcpy(out[(*n)++].bytes, passive ? any6 : loop6, 16);
    }
    if (v4) {
      out[*n].family = AF_INET;
      memcpy(out[(*n)++].bytes, passive ? any4 : loop4, 4);
    }
    return 0;
  }
  if (inet_aton(node, &a4)) {
    if (family == AF_INET6) {
      if (!(flags & AI_V4MAPPED)) return EAI_ADDRFAMILY;
      out[0].family = AF_INET6;
      memset(out[0].bytes, 0, 10);
      memset(out[0].bytes + 10, 0xff, 2);
      memcpy(out[0].bytes + 12, &a4, 4);
    } else {
      out[0].family = AF_INET;
      memcpy(out[0].bytes, &a4, 4);
    }
    *n = 1;
    return 0;
  }
  if (inet_pton(AF_INET6, node, &a6) == 1) {
    if (family == AF_INET) return EAI_ADDRFAMILY;
    out[0].family = AF_INET6;
    memcpy(out[0].bytes, &a6, 16);
    *n = 1;
    return 0;
  }
  return flags & AI_NUMERICHOST ? EAI_NONAME : EAI_FAIL;
}

int getaddrinfo(const char *restrict node, const char *restrict service,
                const struct addrinfo *restrict hints, struct addrinfo **restrict res) {
  int flags = hints ? hints->ai_flags : 0;
  int family = hints ? hints->ai_family : AF_UNSPEC;
  int socktype = hints ? hints->ai_socktype : 0;
  int protocol = hints ? hints->ai_protocol : 0;
  if (!node && !service) return EAI_NONAME;
  if (flags & ~AI_KNOWN) return EAI_BADFLAGS;
  if ((flags & AI_CANONNAME) && !node) return EAI_BADFLAGS;
  if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) return EAI_FAMILY;
  int kind_ok = socktype == 0;
  for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
    kind_ok |= kinds[k].socktype == socktype;
  if (!kind_ok) return EAI_SOCKTYPE;
  int port, err = service_port(service, flags, &port);
  if (err) return err;
  struct address addr[2];
  int n;
  err = addresses(node, family, flags, addr, &n);
  if (err) return err;
  const char *canon = !(flags & AI_CANONNAME)              ? NULL
                      : strcasecmp(node, "localhost") == 0 ? "localhost"
                                                           : node;
  struct addrinfo *head = NULL, **tail = &head;
  for (int i = 0; i < n; i++)
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
      if (socktype && kinds[k].socktype != socktype) continue;
      if (protocol && kinds[k].protocol != protocol) continue;
      size_t extra = head == NULL && canon ? strlen(canon) + 1 : 0;
      struct entry *e = calloc(1, sizeof *e + extra);
      if (!e) {
        __wrap_freeaddrinfo(head);
        return EAI_MEMORY;
      }
      e->ai.ai_family = addr[i].family;
      e->ai.ai_socktype = kinds[k].socktype;
      e->ai.ai_protocol = kinds[k].protocol;
      e->ai.ai_addr = (struct sockaddr *)&e->sa;
      if (addr[i].family == AF_INET) {
        e->sa.in.sin_family = AF_INET;
        e->sa.in.sin_port = htons((unsigned short)port);
        memcpy(&e->sa.in.sin_addr, addr[i].bytes, 4);
        e->ai.ai_addrlen = sizeof e->sa.in;
      } else {
        e->sa.in6.sin6_family = AF_INET6;
        e->sa.in6.sin6_port = htons((unsigned short)port);
        memcpy(&e->sa.in6.sin6_addr, addr[i].bytes, 16);
        e->ai.ai_addrlen = sizeof e->sa.in6;
      }
      if (extra) {
        strcpy(e->canon, canon);
        e->ai.ai_canonname = e->canon;
      }
      *tail = &e->ai;
      tail = &e->ai.ai_next;
    }
  if (!head) return EAI_SERVICE; /* no socket type goes with the protocol asked for */
  *res = head;
  return 0;
}

int getnameinfo(const struct sockaddr *restrict sa, socklen_t salen, char *restrict host,
                socklen_t hostlen, char *restrict serv, socklen_t servlen, int flags) {
  if (flags & ~NI_KNOWN) return EAI_BADFLAGS;
  if (!sa || salen < sizeof(sa_family_t)) return EAI_FAMILY;
  const void *bytes;
  int port, loopback;
  if (sa->sa_family == AF_INET) {
    if (salen < sizeof(struct sockaddr_in)) return EAI_FAMILY;
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    bytes = &in->sin_addr;
    port = ntohs(in->sin_port);
    loopback = ntohl(in->sin_addr.s_addr) == INADDR_LOOPBACK;
  } else if (sa->sa_family == AF_INET6) {
    if (salen < sizeof(struct sockaddr_in6)) return EAI_FAMILY;
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    bytes = &in6->sin6_addr;
    port = ntohs(in6->sin6_port);
    loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
  } else {
    return EAI_FAMILY;
  }
  if (host && hostlen > 0) {
    if (flags & NI_NUMERICHOST) {
      if (flags & NI_NAMEREQD) return EAI_NONAME;
    } else if (loopback) {
      if (hostlen <= strlen("localhost")) return EAI_OVERFLOW;
      strcpy(host, "localhost");
      bytes = NULL;
    } else if (flags & NI_NAMEREQD) {
      return EAI_NONAME; /* no resolver: no name to give */
    }
    if (bytes && !inet_ntop(sa->sa_family, bytes, host, hostlen)) return EAI_OVERFLOW;
  }
  if (serv && servlen > 0) {
    /* Numeric always: service names would need /etc/services. */
    if (snprintf(serv, servlen, "%d", port) >= (int)servlen) return EAI_OVERFLOW;
  }
  return 0;
}
