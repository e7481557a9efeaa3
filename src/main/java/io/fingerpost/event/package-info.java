/**
 * The events the parts send each other on the Vert.x event bus: one record per event, its address beside it,
 * and {@link io.fingerpost.event.Events} to publish and consume them in one line. Depends on {@code model}
 * and Vert.x core only, so every part may use it.
 */
package io.fingerpost.event;
