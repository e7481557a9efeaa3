# Fingerpost service image: a multi-stage build (Maven build stage, JRE runtime stage).
#   docker build -t fingerpost .        (docker-compose.yml builds it for the full stack)
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first, so that source changes reuse the cached layer.
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY src src
# not offline: go-offline can miss a plugin the build needs, and the build stage has the network
RUN mvn -q -B package -DskipTests

FROM eclipse-temurin:17.0.13_11-jre-jammy
RUN groupadd --system fingerpost \
 && useradd --system --gid fingerpost --home-dir /var/lib/fingerpost --create-home fingerpost
COPY --from=build /src/target/fingerpost.jar /opt/fingerpost/fingerpost.jar
USER fingerpost
WORKDIR /var/lib/fingerpost
# A container serves other machines: bind every interface (the jar alone binds 127.0.0.1). Without
# FINGERPOST_DATABASE_URL the embedded PostgreSQL keeps its data (and its password) under pgdata/.
ENV FINGERPOST_HTTP_PORT=8080 \
    FINGERPOST_HTTP_HOST=0.0.0.0 \
    FINGERPOST_DATA_DIR=/var/lib/fingerpost/pgdata
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/fingerpost/fingerpost.jar"]
CMD ["run"]
