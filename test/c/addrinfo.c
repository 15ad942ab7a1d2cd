/* getaddrinfo and getnameinfo failed to link (Emscripten's call its
 * JavaScript glue). Numeric hosts and services, NULL hosts (passive and
 * loopback), "localhost" for IPv4, the socket types each address comes
 * with, AI_CANONNAME, AI_NUMERICHOST, AI_NUMERICSERV, AI_V4MAPPED, and
 * the errors for bad flags, families and socket types; getnameinfo with
 * NI_NUMERICHOST/NI_NUMERICSERV, the loopback's name and NI_NAMEREQD.
 * Error codes are printed by name: musl's gai_strerror texts are not
 * glibc's. Names that need DNS are left to test/c-host (no network). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "facts.h"

static const char *gai_name(int e) {
  switch (e) {
    case 0: return "0";
    case EAI_BADFLAGS: return "EAI_BADFLAGS";
    case EAI_NONAME: return "EAI_NONAME";
    case EAI_AGAIN: return "EAI_AGAIN";
    case EAI_FAIL: return "EAI_FAIL";
    case EAI_FAMILY: return "EAI_FAMILY";
    case EAI_SOCKTYPE: return "EAI_SOCKTYPE";
    case EAI_SERVICE: return "EAI_SERVICE";
    case EAI_MEMORY: return "EAI_MEMORY";
    case EAI_SYSTEM: return "EAI_SYSTEM";
    case EAI_OVERFLOW: return "EAI_OVERFLOW";
#ifdef EAI_ADDRFAMILY
    case EAI_ADDRFAMILY: return "EAI_ADDRFAMILY";
#endif
#ifdef EAI_NODATA
    case EAI_NODATA: return "EAI_NODATA";
#endif
    default: return "EAI_?";
  }
}

static const char *type_name(int t) {
  return t == SOCK_STREAM ? "stream" : t == SOCK_DGRAM ? "dgram" : t == SOCK_RAW ? "raw" : "?";
}

static void lookup(const char *node, const char *service, int family, int socktype, int flags) {
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_socktype = socktype;
  hints.ai_flags = flags;
  int r = getaddrinfo(node, service, &hints, &res);
  printf("getaddrinfo(%s, %s, family %d, type %d, flags %#x): %s\n", node ? node : "NULL",
         service ? service : "NULL", family, socktype, flags, gai_name(r));
  if (r) return;
  for (struct addrinfo *p = res; p; p = p->ai_next) {
    char host[INET6_ADDRSTRLEN] = "?";
    int port = -1;
    if (p->ai_family == AF_INET) {
      struct sockaddr_in *sin = (struct sockaddr_in *)p->ai_addr;
      inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
      port = ntohs(sin->sin_port);
    } else if (p->ai_family == AF_INET6) {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)p->ai_addr;
      inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof host);
      port = ntohs(sin6->sin6_port);
    }
    printf("  %s %s port %d %s proto %d addrlen %d%s%s\n", p->ai_family == AF_INET ? "inet" : "inet6",
           host, port, type_name(p->ai_socktype), p->ai_protocol, (int)p->ai_addrlen,
           p->ai_canonname ? " canon " : "", p->ai_canonname ? p->ai_canonname : "");
  }
  freeaddrinfo(res);
}

static void name_of(const char *addr, int port, int flags) {
  struct sockaddr_storage ss;
  socklen_t len;
  memset(&ss, 0, sizeof ss);
  if (strchr(addr, ':')) {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    inet_pton(AF_INET6, addr, &sin6->sin6_addr);
    len = sizeof *sin6;
  } else {
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    inet_pton(AF_INET, addr, &sin->sin_addr);
    len = sizeof *sin;
  }
  char host[NI_MAXHOST] = "", serv[NI_MAXSERV] = "";
  int r = getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, serv, sizeof serv, flags);
  printf("getnameinfo(%s, %d, flags %#x): %s host \"%s\" serv \"%s\"\n", addr, port, flags, gai_name(r),
         host, serv);
}

int main(void) {
  lookup("127.0.0.1", "80", AF_UNSPEC, 0, 0);
  lookup("127.0.0.1", "80", AF_INET, SOCK_STREAM, 0);
  lookup("10.1.2.3", NULL, AF_UNSPEC, SOCK_DGRAM, AI_CANONNAME);
  lookup("::1", "8080", AF_UNSPEC, SOCK_STREAM, AI_NUMERICHOST | AI_NUMERICSERV);
  lookup("fe80::1:2", "0", AF_INET6, SOCK_STREAM, 0);
  lookup("192.168.0.1", "443", AF_INET6, SOCK_STREAM, 0);
  lookup("192.168.0.1", "443", AF_INET6, SOCK_STREAM, AI_V4MAPPED);
  lookup("::1", "443", AF_INET, SOCK_STREAM, 0);
  lookup(NULL, "22", AF_INET, SOCK_STREAM, AI_PASSIVE);
  lookup(NULL, "22", AF_INET6, SOCK_STREAM, AI_PASSIVE);
  lookup(NULL, "22", AF_INET, SOCK_STREAM, 0);
  lookup(NULL, "22", AF_INET6, SOCK_DGRAM, 0);
  lookup("localhost", "5000", AF_INET, SOCK_STREAM, 0);
  lookup("127.0.0.1", "http", AF_INET, SOCK_STREAM, AI_NUMERICSERV);
  lookup("example.invalid", "80", AF_INET, SOCK_STREAM, AI_NUMERICHOST);
  lookup("1.2.3.4.5", "80", AF_INET, SOCK_STREAM, AI_NUMERICHOST);
  lookup(NULL, NULL, AF_UNSPEC, 0, 0);
  lookup(NULL, "80", AF_UNSPEC, 0, AI_CANONNAME);
  lookup("127.0.0.1", "80", AF_UNSPEC, 0, 0x10000);
  lookup("127.0.0.1", "80", AF_UNIX, 0, 0);
  lookup("127.0.0.1", "80", 12345, 0, 0);
  lookup("127.0.0.1", "80", AF_INET, 12345, 0);
  lookup("127.0.0.1", "65536", AF_INET, SOCK_STREAM, 0);
  lookup("127.0.0.1", "-1", AF_INET, SOCK_STREAM, 0);

  name_of("127.0.0.1", 8080, NI_NUMERICHOST | NI_NUMERICSERV);
  name_of("10.20.30.40", 22, NI_NUMERICHOST | NI_NUMERICSERV | NI_DGRAM);
  name_of("::1", 443, NI_NUMERICHOST | NI_NUMERICSERV);
  name_of("2001:db8::5", 1, NI_NUMERICHOST | NI_NUMERICSERV);
  name_of("127.0.0.1", 8080, NI_NUMERICSERV);
  name_of("192.0.2.1", 8080, NI_NUMERICSERV | NI_NAMEREQD | NI_NUMERICHOST);
  {
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    char host[4], serv[2];
    int r = getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host, NULL, 0, NI_NUMERICHOST);
    printf("getnameinfo, host buffer of 4: %s\n", gai_name(r));
    r = getnameinfo((struct sockaddr *)&sin, sizeof sin, NULL, 0, serv, sizeof serv, NI_NUMERICSERV);
    printf("getnameinfo, serv buffer of 2 for port 0: %s \"%s\"\n", gai_name(r), serv);
    sin.sin_port = htons(80);
    r = getnameinfo((struct sockaddr *)&sin, sizeof sin, NULL, 0, serv, sizeof serv, NI_NUMERICSERV);
    printf("getnameinfo, serv buffer of 2 for port 80: %s\n", gai_name(r));
    r = getnameinfo((struct sockaddr *)&sin, sizeof sin - 1, host, sizeof host, NULL, 0, NI_NUMERICHOST);
    printf("getnameinfo, short address: %s\n", gai_name(r));
  }
  return 0;
}
