/* Names that need the network or the system's files: Linux asks DNS and
 * reads /etc/services and /etc/hosts; a WebAssembly program has none of
 * them, and anymmap's exact answers are checked here (test/c/addrinfo.c
 * holds what both agree on). A name needing DNS is EAI_FAIL, a service
 * name EAI_SERVICE, "localhost" the two loopbacks (IPv6 first, as glibc
 * sorts them), getnameinfo gives numeric services and "localhost" for the
 * loopback. The gcc build makes no lookups (they depend on the host). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static void lookup(const char *node, const char *service, int family) {
  struct addrinfo hints, *res;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  int r = getaddrinfo(node, service, &hints, &res);
  printf("getaddrinfo(%s, %s): %d", node, service ? service : "NULL", r);
  if (r == 0) {
    for (struct addrinfo *p = res; p; p = p->ai_next) {
      char text[INET6_ADDRSTRLEN];
      const void *a = p->ai_family == AF_INET
                          ? (void *)&((struct sockaddr_in *)p->ai_addr)->sin_addr
                          : (void *)&((struct sockaddr_in6 *)p->ai_addr)->sin6_addr;
      printf(" %s", inet_ntop(p->ai_family, a, text, sizeof text));
    }
    freeaddrinfo(res);
  }
  printf("\n");
}

int main(void) {
#ifdef __EMSCRIPTEN__
  lookup("example.invalid", "80", AF_INET);
  lookup("www.gnu.org", NULL, AF_UNSPEC);
  lookup("127.0.0.1", "http", AF_INET);
  lookup("localhost", NULL, AF_UNSPEC);
  lookup("LocalHost", "7", AF_INET6);
  printf("EAI_FAIL %d EAI_SERVICE %d EAI_NONAME %d\n", EAI_FAIL, EAI_SERVICE, EAI_NONAME);
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_port = htons(80);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  int r = getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host, serv, sizeof serv, 0);
  printf("getnameinfo(127.0.0.1:80): %d %s %s\n", r, host, serv);
  inet_pton(AF_INET, "192.0.2.1", &sin.sin_addr);
  r = getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host, serv, sizeof serv, 0);
  printf("getnameinfo(192.0.2.1:80): %d %s %s\n", r, host, serv);
  r = getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host, serv, sizeof serv,
                  NI_NAMEREQD);
  printf("getnameinfo(192.0.2.1:80, NI_NAMEREQD): %d\n", r);
#else
  printf("no lookups natively\n");
#endif
  return 0;
}
